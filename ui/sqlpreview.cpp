#include "sqlpreview.h"

#include <KSyntaxHighlighting/Definition>
#include <KSyntaxHighlighting/Repository>
#include <KSyntaxHighlighting/SyntaxHighlighter>
#include <KSyntaxHighlighting/Theme>

#include <QEvent>
#include <QFontDatabase>

namespace Stagecraft {

SqlPreview::SqlPreview(QWidget *parent)
    : QPlainTextEdit(parent)
    , m_repository(std::make_unique<KSyntaxHighlighting::Repository>())
    , m_highlighter(new KSyntaxHighlighting::SyntaxHighlighter(document()))
{
    setReadOnly(true);
    setLineWrapMode(QPlainTextEdit::NoWrap);
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    // The theme must be set before the definition, or the highlighted text comes out blank.
    applyTheme();
}

SqlPreview::~SqlPreview() = default;

QString SqlPreview::definitionName(Engine engine)
{
    switch (engine) {
    case Engine::PostgreSQL: return QStringLiteral("SQL (PostgreSQL)");
    case Engine::MySQL:
    case Engine::MariaDB: return QStringLiteral("SQL (MySQL)");
    case Engine::SQLite: return QStringLiteral("SQL");
    }
    return QStringLiteral("SQL");
}

QString SqlPreview::currentDefinitionName() const
{
    return m_highlighter->definition().name();
}

QString SqlPreview::themeName() const
{
    return m_highlighter->theme().name();
}

void SqlPreview::setSql(const QString &sql, Engine engine)
{
    const QString name = definitionName(engine);
    if (m_highlighter->definition().name() != name)
        m_highlighter->setDefinition(m_repository->definitionForName(name));
    setPlainText(sql);
}

void SqlPreview::applyTheme()
{
    const bool dark = palette().color(QPalette::Base).lightness() < 128;
    const auto theme = m_repository->defaultTheme(dark ? KSyntaxHighlighting::Repository::DarkTheme
                                                       : KSyntaxHighlighting::Repository::LightTheme);
    m_highlighter->setTheme(theme);
    m_highlighter->rehighlight();
}

void SqlPreview::changeEvent(QEvent *event)
{
    QPlainTextEdit::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        applyTheme();
}

} // namespace Stagecraft
