#include "columndesigner.h"

#include "backfillpreviewmodel.h"
#include "fieldmessage.h"
#include "plan/sync.h"
#include "sql/quoting.h"
#include "themecolors.h"
#include "ui_columndesigner.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLocale>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>
#include <QRegularExpression>
#include <QSignalBlocker>

namespace Stagecraft {

namespace {

QString typeLabel(Engine engine, const TypeInfo &t)
{
    return t.schema.isEmpty() ? t.name : quoteQualified(engine, t.schema, t.name);
}

} // namespace

ColumnDesigner::ColumnDesigner(QWidget *parent)
    : QWidget(parent)
    , m_ui(std::make_unique<Ui::ColumnDesigner>())
{
    m_ui->setupUi(this);
    setFocusProxy(m_ui->nameEdit); // focusing the designer (File > Add Column…) puts the cursor in the name
    // The field messages keep their line whether they say something or not (FieldMessage); only the
    // problems of no field of their own go below the form.
    // Each field's message line is the gap between it and the next field.
    m_ui->form->setVerticalSpacing(2);
    m_ui->otherErrors->setWordWrap(true);
    m_ui->otherErrors->setForegroundRole(QPalette::WindowText);
    m_ui->otherErrors->hide();
    // Which field each input edits: its problems show once it was edited (touched), not before.
    const QList<std::pair<QString, QList<QWidget *>>> inputs = {
        {QStringLiteral("name"), {m_ui->nameEdit}},
        {QStringLiteral("type"), {m_ui->typeCombo, m_ui->lengthSpin, m_ui->precisionSpin, m_ui->scaleSpin}},
        {QStringLiteral("nullable"), {m_ui->nullableCheck}},
        {QStringLiteral("default"), {m_ui->defaultKindCombo, m_ui->defaultEdit}},
        {QStringLiteral("backfill"), {m_ui->backfillEdit}},
        {QStringLiteral("sync"), {m_ui->syncCheck, m_ui->gateAfterExpandCheck}},
        {QStringLiteral("gate_after_expand"), {m_ui->gateAfterExpandCheck}},
        {QStringLiteral("check"), {m_ui->checkEdit}},
        {QStringLiteral("unique"), {m_ui->uniqueCheck}},
        {QStringLiteral("index"), {m_ui->indexCheck}},
        {QStringLiteral("references"), {m_ui->referencedTableCombo, m_ui->referencedColumnCombo, m_ui->onDeleteCombo}},
        {QStringLiteral("comment"), {m_ui->commentEdit}},
        {QStringLiteral("after"), {m_ui->afterCombo}},
        {QStringLiteral("side_effects"), {m_ui->sideEffectsEdit}},
    };
    for (const auto &[field, widgets] : inputs) {
        for (QWidget *w : widgets)
            m_fieldOf.insert(w, field);
    }
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(400);
    connect(&m_debounce, &QTimer::timeout, this, [this] {
        if (hasTable())
            Q_EMIT specEdited(spec());
    });
    for (QLineEdit *edit : {m_ui->nameEdit, m_ui->defaultEdit, m_ui->backfillEdit, m_ui->checkEdit, m_ui->commentEdit,
                            m_ui->sideEffectsEdit})
        connect(edit, &QLineEdit::textEdited, this, &ColumnDesigner::edited);
    // Enter in a field asks for the plan: every problem shows, edited or not.
    for (QLineEdit *edit : {m_ui->nameEdit, m_ui->defaultEdit, m_ui->backfillEdit, m_ui->checkEdit, m_ui->commentEdit,
                            m_ui->sideEffectsEdit})
        connect(edit, &QLineEdit::returnPressed, this, &ColumnDesigner::revealProblems);
    for (QCheckBox *box : {m_ui->nullableCheck, m_ui->uniqueCheck, m_ui->indexCheck, m_ui->gateAfterExpandCheck})
        connect(box, &QCheckBox::toggled, this, &ColumnDesigner::edited);
    // Three states: partly checked is "automatic" (the spec leaves sync unset), which toggled() misses.
    const auto syncChanged = [this] {
        updateSyncText();
        edited();
    };
#if QT_VERSION >= QT_VERSION_CHECK(6, 7, 0)
    connect(m_ui->syncCheck, &QCheckBox::checkStateChanged, this, syncChanged);
#else
    connect(m_ui->syncCheck, &QCheckBox::stateChanged, this, syncChanged);
#endif
    for (QLabel *note : {m_ui->syncReason, m_ui->defaultAfterSync}) {
        note->setStyleSheet(QStringLiteral("QLabel { color: palette(placeholder-text); }"));
        note->hide(); // until a plan says something
    }
    m_ui->volatilityBadge->setWordWrap(true); // a long badge wraps; it must not widen the window
    m_ui->volatilityBadge->hide();
    for (QSpinBox *spin : {m_ui->lengthSpin, m_ui->precisionSpin, m_ui->scaleSpin})
        connect(spin, &QSpinBox::valueChanged, this, &ColumnDesigner::edited);
    for (QComboBox *combo : {m_ui->defaultKindCombo, m_ui->onDeleteCombo, m_ui->afterCombo, m_ui->referencedColumnCombo})
        connect(combo, &QComboBox::currentIndexChanged, this, &ColumnDesigner::edited);
    connect(m_ui->referencedColumnCombo, &QComboBox::editTextChanged, this, &ColumnDesigner::edited);
    connect(m_ui->typeCombo, &QComboBox::currentTextChanged, this, [this] {
        updateTypeParameters();
        edited();
    });
    connect(m_ui->defaultKindCombo, &QComboBox::currentIndexChanged, this,
            [this](int kind) { m_ui->defaultEdit->setEnabled(kind != 0); });
    connect(m_ui->referencedTableCombo, &QComboBox::currentIndexChanged, this, [this](int i) {
        m_ui->referencedColumnCombo->clear();
        m_ui->referencedColumnCombo->setEnabled(i > 0);
        m_ui->onDeleteCombo->setEnabled(i > 0);
        if (i > 0)
            Q_EMIT referencedTableChosen(m_ui->referencedTableCombo->itemData(i).value<TableRef>());
        edited();
    });
    buildBackfillPreview();
    m_ui->defaultEdit->setEnabled(false);
    m_ui->referencedColumnCombo->setEnabled(false);
    m_ui->onDeleteCombo->setEnabled(false);
    updateTypeParameters();
}

ColumnDesigner::~ColumnDesigner() = default;

void ColumnDesigner::buildBackfillPreview()
{
    // Under the Backfill field, where the eye is while typing it: the value each of a few rows
    // would get, beside the row's key and the columns the expression reads. Its height is fixed, so
    // the fields below stay where they are whatever it shows; the toggle folds it away.
    auto *box = new QWidget(this);
    box->setObjectName(QStringLiteral("backfillPreviewBox"));
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    auto *header = new QHBoxLayout;
    m_previewToggle = new QToolButton(box);
    m_previewToggle->setObjectName(QStringLiteral("backfillPreviewToggle"));
    m_previewToggle->setText(tr("Preview"));
    m_previewToggle->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_previewToggle->setArrowType(Qt::DownArrow);
    m_previewToggle->setCheckable(true);
    m_previewToggle->setChecked(true);
    m_previewToggle->setAutoRaise(true);
    m_previewToggle->setToolTip(tr("The values the backfill writes, on %1 rows, computed by the server read-only")
                                    .arg(BackfillPreview::DefaultRows));
    m_previewStatus = new QLabel(box);
    m_previewStatus->setObjectName(QStringLiteral("backfillPreviewStatus"));
    m_previewStatus->setForegroundRole(QPalette::PlaceholderText);
    m_previewStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_previewStatus->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    header->addWidget(m_previewToggle);
    header->addWidget(m_previewStatus, 1);
    layout->addLayout(header);
    m_preview = new BackfillPreviewModel(this);
    m_previewView = new QTableView(box);
    m_previewView->setObjectName(QStringLiteral("backfillPreview"));
    m_previewView->setModel(m_preview);
    m_previewView->verticalHeader()->hide();
    m_previewView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_previewView->horizontalHeader()->setStretchLastSection(true);
    m_previewView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_previewView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_previewView->setAlternatingRowColors(true);
    m_previewView->verticalHeader()->setDefaultSectionSize(m_previewView->fontMetrics().height() + 6);
    const int rowHeight = m_previewView->verticalHeader()->defaultSectionSize();
    m_previewView->setFixedHeight(rowHeight * 5 + m_previewView->horizontalHeader()->sizeHint().height() + 2 * m_previewView->frameWidth());
    layout->addWidget(m_previewView);
    connect(m_previewToggle, &QToolButton::toggled, this, [this](bool open) {
        m_previewToggle->setArrowType(open ? Qt::DownArrow : Qt::RightArrow);
        m_previewView->setVisible(open);
    });
    int row = 0;
    QFormLayout::ItemRole role;
    m_ui->form->getWidgetPosition(m_ui->backfillError, &row, &role);
    m_ui->form->insertRow(row + 1, static_cast<QWidget *>(nullptr), box);
    showBackfillPreview({});
}

void ColumnDesigner::showBackfillPreviewBusy()
{
    m_previewStatus->setText(tr("Computing on %1 rows…").arg(BackfillPreview::DefaultRows));
}

void ColumnDesigner::showBackfillPreview(const BackfillPreviewResult &preview)
{
    m_preview->setPreview(preview);
    QString status;
    switch (preview.state) {
    case BackfillPreviewResult::State::None:
        status = tr("Give a backfill or a default to see the values existing rows get.");
        break;
    case BackfillPreviewResult::State::Done:
        status = preview.rows.isEmpty() ? tr("The table has no rows: nothing to backfill.")
                                        : preview.rows.size() == 1 ? tr("1 row, computed read-only; nothing was written.")
                                                                   : tr("%1 rows, computed read-only; nothing was written.").arg(preview.rows.size());
        break;
    case BackfillPreviewResult::State::NotRun:
    case BackfillPreviewResult::State::Failed: status = preview.message; break;
    }
    const bool failed = preview.state == BackfillPreviewResult::State::Failed || preview.state == BackfillPreviewResult::State::NotRun;
    m_previewStatus->setText(status);
    m_previewStatus->setToolTip(status);
    // Kept in the theme's colours when it changes (ThemeColors::restyleAll).
    ThemeColors::setTextColor(m_previewStatus, failed ? ThemeColors::Error : ThemeColors::Neutral);
}

QString ColumnDesigner::backfillPreviewStatus() const
{
    return m_previewStatus->text();
}

void ColumnDesigner::setContext(Engine engine, const TableDetails &table, const QList<TypeInfo> &types,
                                const QList<TableSummary> &tables)
{
    // A new column starts from an empty form: nothing of the column designed before is kept, and
    // no field is touched yet, so no problem shows before the user edits (issue 15).
    m_filling = true;
    m_engine = engine;
    m_table = table.table;
    m_types = types;
    m_tables = tables;
    m_touched.clear();
    m_revealAll = false;
    m_ui->tableLabel->setText(tr("New column in <b>%1.%2</b> (%3 rows, %4)")
                                  .arg(table.table.schema.toHtmlEscaped(), table.table.name.toHtmlEscaped())
                                  .arg(table.estimatedRows < 0 ? tr("unknown number of") : QLocale().toString(table.estimatedRows))
                                  .arg(engineName(engine)));
    m_ui->typeCombo->clear();
    for (const TypeInfo &t : types)
        m_ui->typeCombo->addItem(typeLabel(engine, t));
    m_ui->referencedTableCombo->clear();
    m_ui->referencedTableCombo->addItem(tr("(no foreign key)"));
    for (const TableSummary &t : tables) {
        if (t.kind == RelationKind::Table || t.kind == RelationKind::PartitionedTable)
            m_ui->referencedTableCombo->addItem(t.table.schema + QLatin1Char('.') + t.table.name, QVariant::fromValue(t.table));
    }
    m_ui->afterCombo->clear();
    m_ui->afterCombo->addItem(tr("(last)"));
    for (const ColumnInfo &c : table.columns)
        m_ui->afterCombo->addItem(c.name);
    m_showPosition = engine == Engine::MySQL || engine == Engine::MariaDB;
    m_ui->afterCombo->setVisible(m_showPosition);
    m_ui->afterLabel->setVisible(m_showPosition);
    // SQLite keeps no column comments.
    m_showComment = engine != Engine::SQLite;
    m_ui->commentEdit->setVisible(m_showComment);
    m_ui->commentLabel->setVisible(m_showComment);
    fillFields(ColumnSpec());
    m_ui->lengthSpin->setValue(255);
    m_ui->precisionSpin->setValue(12);
    m_ui->scaleSpin->setValue(2);
    updateTypeParameters();
    clearProblems();
    clearPlanNotes();
    showBackfillPreview({});
    m_filling = false;
    edited();
}

void ColumnDesigner::clearPlanNotes()
{
    m_ui->volatilityBadge->clear();
    m_ui->volatilityBadge->hide();
    m_ui->syncReason->clear();
    m_ui->syncReason->hide();
    m_ui->defaultAfterSync->clear();
    m_ui->defaultAfterSync->hide();
    m_planSyncReason.clear();
}

void ColumnDesigner::clear()
{
    m_table = {}; // first: none of the edits below asks for a plan
    m_filling = true;
    m_types.clear();
    m_tables.clear();
    m_ui->tableLabel->clear();
    m_ui->typeCombo->clear();
    m_ui->referencedTableCombo->clear();
    m_ui->afterCombo->clear();
    fillFields(ColumnSpec());
    m_touched.clear();
    m_revealAll = false;
    clearProblems();
    clearPlanNotes();
    showBackfillPreview({});
    m_filling = false;
    m_debounce.stop();
}

void ColumnDesigner::setReferencedColumns(const TableRef &table, const QStringList &columns)
{
    if (m_ui->referencedTableCombo->currentData().value<TableRef>() != table)
        return;
    m_ui->referencedColumnCombo->clear();
    m_ui->referencedColumnCombo->addItems(columns);
}

const TypeInfo *ColumnDesigner::currentType() const
{
    const QString text = m_ui->typeCombo->currentText().trimmed();
    for (const TypeInfo &t : m_types) {
        if (typeLabel(m_engine, t).compare(text, Qt::CaseInsensitive) == 0)
            return &t;
    }
    return nullptr;
}

void ColumnDesigner::updateTypeParameters()
{
    const TypeInfo *t = currentType();
    const auto parameters = t ? t->parameters : TypeInfo::Parameters::None;
    m_ui->lengthSpin->setVisible(parameters == TypeInfo::Parameters::Length);
    m_ui->precisionSpin->setVisible(parameters == TypeInfo::Parameters::PrecisionScale || parameters == TypeInfo::Parameters::Precision);
    m_ui->scaleSpin->setVisible(parameters == TypeInfo::Parameters::PrecisionScale);
    if (parameters == TypeInfo::Parameters::Precision && m_ui->precisionSpin->value() > 6)
        m_ui->precisionSpin->setValue(6);
}

ColumnSpec ColumnDesigner::spec() const
{
    ColumnSpec s;
    s.table = m_table;
    s.name = m_ui->nameEdit->text().trimmed();
    s.type = m_ui->typeCombo->currentText().trimmed();
    if (const TypeInfo *t = currentType()) {
        switch (t->parameters) {
        case TypeInfo::Parameters::Length: s.type += QStringLiteral("(%1)").arg(m_ui->lengthSpin->value()); break;
        case TypeInfo::Parameters::Precision: s.type += QStringLiteral("(%1)").arg(m_ui->precisionSpin->value()); break;
        case TypeInfo::Parameters::PrecisionScale:
            s.type += QStringLiteral("(%1,%2)").arg(m_ui->precisionSpin->value()).arg(m_ui->scaleSpin->value());
            break;
        case TypeInfo::Parameters::None: break;
        }
    }
    s.nullable = m_ui->nullableCheck->isChecked();
    s.defaultKind = ColumnSpec::DefaultKind(m_ui->defaultKindCombo->currentIndex());
    if (s.defaultKind != ColumnSpec::DefaultKind::None)
        s.defaultValue = m_ui->defaultEdit->text();
    s.backfill = m_ui->backfillEdit->text().trimmed();
    s.check = m_ui->checkEdit->text().trimmed();
    s.unique = m_ui->uniqueCheck->isChecked();
    s.index = m_ui->indexCheck->isChecked();
    if (m_ui->referencedTableCombo->currentIndex() > 0) {
        s.referencedTable = m_ui->referencedTableCombo->currentData().value<TableRef>();
        s.referencedColumn = m_ui->referencedColumnCombo->currentText().trimmed();
        s.onDelete = m_ui->onDeleteCombo->currentIndex() == 0 ? QString() : m_ui->onDeleteCombo->currentText();
    }
    if (m_showComment)
        s.comment = m_ui->commentEdit->text().trimmed();
    if (m_showPosition && m_ui->afterCombo->currentIndex() > 0)
        s.after = m_ui->afterCombo->currentText();
    switch (m_ui->syncCheck->checkState()) {
    case Qt::PartiallyChecked: s.sync.reset(); break; // automatic: the planner decides
    case Qt::Checked: s.sync = true; break;
    case Qt::Unchecked: s.sync = false; break;
    }
    s.gateAfterExpand = m_ui->gateAfterExpandCheck->isChecked();
    for (const QString &name : m_ui->sideEffectsEdit->text().split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        if (!name.trimmed().isEmpty())
            s.sideEffects << name.trimmed();
    }
    return s;
}

void ColumnDesigner::setSpec(const ColumnSpec &spec)
{
    // A spec given whole (a spec file): its problems are all asked for.
    m_filling = true;
    fillFields(spec);
    m_filling = false;
    m_revealAll = true;
    edited();
}

void ColumnDesigner::fillFields(const ColumnSpec &spec)
{
    m_ui->nameEdit->setText(spec.name);
    // "numeric(12,2)": the known type in the picker, its parameters in the spin boxes.
    static const QRegularExpression parameters(QStringLiteral("^(.*?)\\s*\\((\\d+)(?:\\s*,\\s*(\\d+))?\\)$"));
    const auto m = parameters.match(spec.type.trimmed());
    m_ui->typeCombo->setCurrentText(m.hasMatch() ? m.captured(1) : spec.type);
    if (m.hasMatch() && currentType() && currentType()->parameters != TypeInfo::Parameters::None) {
        if (currentType()->parameters == TypeInfo::Parameters::Length) {
            m_ui->lengthSpin->setValue(m.captured(2).toInt());
        } else {
            m_ui->precisionSpin->setValue(m.captured(2).toInt());
            m_ui->scaleSpin->setValue(m.captured(3).toInt());
        }
    } else if (m.hasMatch()) {
        // Parameters the picker does not model for this type: keep the type exactly as written.
        m_ui->typeCombo->setCurrentText(spec.type);
    }
    m_ui->nullableCheck->setChecked(spec.nullable);
    m_ui->defaultKindCombo->setCurrentIndex(int(spec.defaultKind));
    m_ui->defaultEdit->setText(spec.defaultValue);
    m_ui->backfillEdit->setText(spec.backfill);
    m_ui->checkEdit->setText(spec.check);
    m_ui->uniqueCheck->setChecked(spec.unique);
    m_ui->indexCheck->setChecked(spec.index);
    m_ui->commentEdit->setText(spec.comment);
    m_ui->sideEffectsEdit->setText(spec.sideEffects.join(QLatin1String(", ")));
    m_ui->syncCheck->setCheckState(!spec.sync ? Qt::PartiallyChecked : *spec.sync ? Qt::Checked : Qt::Unchecked);
    m_ui->gateAfterExpandCheck->setChecked(spec.gateAfterExpand);
    if (!spec.comment.isEmpty() && !m_showComment) {
        // A spec file's comment for an engine without comments: shown, with its problem beside it.
        m_showComment = true;
        m_ui->commentEdit->setVisible(true);
        m_ui->commentLabel->setVisible(true);
    }
    if (!spec.after.isEmpty() && !m_showPosition) {
        // Not an engine that places columns: show the field anyway, so its problem can be seen and fixed.
        m_showPosition = true;
        m_ui->afterCombo->setVisible(true);
        m_ui->afterLabel->setVisible(true);
    }
    const int after = m_ui->afterCombo->findText(spec.after);
    m_ui->afterCombo->setCurrentIndex(spec.after.isEmpty() || after < 0 ? 0 : after);
    if (spec.hasForeignKey()) {
        for (int i = 1; i < m_ui->referencedTableCombo->count(); ++i) {
            const TableRef t = m_ui->referencedTableCombo->itemData(i).value<TableRef>();
            if (t.name == spec.referencedTable.name && (spec.referencedTable.schema.isEmpty() || t.schema == spec.referencedTable.schema))
                m_ui->referencedTableCombo->setCurrentIndex(i);
        }
        m_ui->referencedColumnCombo->setEditText(spec.referencedColumn);
        const int action = m_ui->onDeleteCombo->findText(spec.onDelete);
        m_ui->onDeleteCombo->setCurrentIndex(std::max(0, action));
    }
}

void ColumnDesigner::edited()
{
    // An edit the user made (setSpec and setContext block this): its field is touched.
    if (!m_filling) {
        if (const QString field = m_fieldOf.value(qobject_cast<QWidget *>(sender())); !field.isEmpty()) {
            m_touched << field;
            if (field == QLatin1String("sync"))
                m_touched << QStringLiteral("gate_after_expand");
        }
    }
    m_debounce.start();
}

void ColumnDesigner::revealProblems()
{
    m_revealAll = true;
    showFieldMessages();
}

bool ColumnDesigner::shown(const QString &field) const
{
    // A problem of a field the user has not edited yet waits, unless every problem was asked for;
    // one of no input (the table, the connection) shows at once.
    return m_revealAll || m_touched.contains(field) || !std::any_of(m_fieldOf.cbegin(), m_fieldOf.cend(), [&](const QString &f) { return f == field; });
}

QStringList ColumnDesigner::invalidFields() const
{
    QStringList fields;
    for (const SpecProblem &p : m_problems) {
        if (shown(p.field) && !fields.contains(p.field))
            fields << p.field;
    }
    return fields;
}

void ColumnDesigner::clearProblems()
{
    m_problems.clear();
    m_warnings.clear();
    showFieldMessages();
}

void ColumnDesigner::showFieldMessages()
{
    QHash<FieldMessage *, QStringList> errors;
    QHash<FieldMessage *, QStringList> warnings;
    QStringList others;
    for (const SpecProblem &p : std::as_const(m_problems)) {
        if (!shown(p.field))
            continue;
        if (FieldMessage *line = messageLine(p.field))
            errors[line] << p.message;
        else
            others << p.field + QLatin1String(": ") + p.message;
    }
    for (const SpecProblem &w : std::as_const(m_warnings)) {
        if (FieldMessage *line = messageLine(w.field))
            warnings[line] << w.message;
    }
    for (FieldMessage *line : {m_ui->nameError, m_ui->typeError, m_ui->nullableError, m_ui->defaultError, m_ui->backfillError,
                               m_ui->checkError, m_ui->uniqueError, m_ui->referencesError, m_ui->commentError, m_ui->afterError,
                               m_ui->syncError}) {
        if (errors.contains(line))
            line->setMessage(errors.value(line).join(QLatin1Char('\n')), FieldMessage::Kind::Error);
        else
            line->setMessage(warnings.value(line).join(QLatin1Char('\n')), FieldMessage::Kind::Warning);
    }
    m_ui->otherErrors->setText(others.join(QLatin1Char('\n')));
    ThemeColors::setTextColor(m_ui->otherErrors, ThemeColors::Error);
    m_ui->otherErrors->setVisible(!others.isEmpty());
}

FieldMessage *ColumnDesigner::messageLine(const QString &field) const
{
    const QHash<QString, FieldMessage *> beside = {
        {QStringLiteral("name"), m_ui->nameError},         {QStringLiteral("type"), m_ui->typeError},
        {QStringLiteral("nullable"), m_ui->nullableError}, {QStringLiteral("default"), m_ui->defaultError},
        {QStringLiteral("backfill"), m_ui->backfillError}, {QStringLiteral("check"), m_ui->checkError},
        {QStringLiteral("unique"), m_ui->uniqueError},     {QStringLiteral("references"), m_ui->referencesError},
        {QStringLiteral("comment"), m_ui->commentError},   {QStringLiteral("after"), m_ui->afterError},
        {QStringLiteral("sync"), m_ui->syncError},         {QStringLiteral("gate_after_expand"), m_ui->syncError},
    };
    return beside.value(field, nullptr); // nullptr: a field without a line of its own (below the form)
}

void ColumnDesigner::showProblems(const QList<SpecProblem> &problems)
{
    // The notes of the last plan (volatility, sync, what a new row gets) stay: that plan stays on
    // screen, marked out of date, until the spec is valid again.
    m_problems = problems;
    m_warnings.clear();
    showFieldMessages();
}

QString ColumnDesigner::problemFor(const QString &field) const
{
    QStringList shownProblems;
    for (const SpecProblem &p : m_problems) {
        if (p.field == field && shown(field))
            shownProblems << p.message;
    }
    return shownProblems.join(QLatin1Char('\n'));
}

void ColumnDesigner::showWarnings(const QList<SpecProblem> &warnings)
{
    m_warnings = warnings;
    showFieldMessages();
}

QString ColumnDesigner::warningFor(const QString &field) const
{
    FieldMessage *line = messageLine(field);
    return line && line->kind() == FieldMessage::Kind::Warning ? line->text() : QString();
}

void ColumnDesigner::showPlan(const Plan &plan)
{
    m_problems.clear();
    m_warnings.clear();
    showFieldMessages();
    QString badge;
    ThemeColors::Kind colour = ThemeColors::Neutral;
    if (plan.defaultVolatility == QLatin1String("volatile")) {
        badge = tr("volatile: as a plain default it would rewrite the table; the plan adds the column empty and backfills");
        colour = ThemeColors::Warning;
    } else if (plan.defaultVolatility == QLatin1String("stable")) {
        badge = tr("stable: existing rows all get the value computed when the column is added; no rewrite");
        colour = ThemeColors::Info;
    } else if (plan.defaultVolatility == QLatin1String("immutable")) {
        badge = tr("immutable: kept in the catalog; no rewrite");
        colour = ThemeColors::Success;
    }
    m_ui->volatilityBadge->setText(badge);
    ThemeColors::setTextColor(m_ui->volatilityBadge, colour);
    m_ui->volatilityBadge->setVisible(!badge.isEmpty());
    // The planner's word on the sync, and what the default means once it is gone.
    m_planSyncReason = plan.sync.reason;
    updateSyncText();
    m_ui->defaultAfterSync->setText(plan.sync.enabled ? tr("Once the sync ends (contract stage), a row written without %1 gets %2.")
                                                             .arg(plan.spec.name, Sync::afterwards(plan.spec))
                                                      : tr("A row written without %1 gets %2.").arg(plan.spec.name, Sync::afterwards(plan.spec)));
    m_ui->defaultAfterSync->show();
}

QString ColumnDesigner::syncReason() const
{
    return m_ui->syncReason->text();
}

void ColumnDesigner::updateSyncText()
{
    // The state's meaning first (partly checked is not self-explaining), then the planner's reason.
    const QString state = m_ui->syncCheck->checkState() == Qt::PartiallyChecked ? tr("Automatic. ")
                          : m_ui->syncCheck->checkState() == Qt::Checked        ? tr("On. ")
                                                                                : tr("Off. ");
    m_ui->syncReason->setText(m_planSyncReason.isEmpty() ? QString() : state + m_planSyncReason);
    m_ui->syncReason->setVisible(!m_planSyncReason.isEmpty());
}

} // namespace Stagecraft
