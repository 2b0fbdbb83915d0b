#include "connectdialog.h"

#include "connection/connectionbook.h"
#include "themecolors.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QVBoxLayout>

namespace Stagecraft {

static constexpr int ProfileRole = Qt::UserRole + 1; // a row's ConnectionProfile URL
static constexpr int NameRole = Qt::UserRole + 2; // a saved row's name
static constexpr int PasswordSavedRole = Qt::UserRole + 3;

// The engines in the picker's order.
static const QList<Engine> Engines = {Engine::PostgreSQL, Engine::MySQL, Engine::MariaDB, Engine::SQLite};

ConnectDialog::ConnectDialog(ConnectionBook *book, QWidget *parent)
    : QDialog(parent)
    , m_book(book)
{
    setWindowTitle(tr("Connect to a Database"));
    setObjectName(QStringLiteral("connectDialog"));
    buildForm();
    connect(m_book, &ConnectionBook::passwordRead, this, &ConnectDialog::onPasswordRead);
    connect(m_book, &ConnectionBook::saveFinished, this, &ConnectDialog::onSaveFinished);
    connect(&m_check, &QFutureWatcher<ConnectionCheck>::finished, this, &ConnectDialog::onTested);
    reloadLists();
    // Start from the most recent connection, else from an empty PostgreSQL form.
    const QList<ConnectionProfile> recent = m_book->recent();
    ConnectionProfile start;
    start.engine = Engine::PostgreSQL;
    setProfile(recent.isEmpty() ? start : recent.first());
    setStatus(tr("Fill in the connection, paste a URL, or pick a saved or recent one."), true);
}

ConnectDialog::~ConnectDialog()
{
    // A test still running finishes on its pool thread; nothing waits for it here.
    m_check.disconnect(this);
}

void ConnectDialog::buildForm()
{
    // Left: the demo, saved and recent connections.
    auto *demo = new QPushButton(tr("Open the &Demo Database"), this);
    demo->setObjectName(QStringLiteral("demoButton"));
    demo->setToolTip(tr("A SQLite shop (customers, products, 200,000 orders) created on this computer: "
                        "nothing to install, nothing to break."));
    connect(demo, &QPushButton::clicked, this, [this] {
        Q_EMIT demoRequested();
        accept();
    });
    m_savedModel = new QStandardItemModel(this);
    m_savedView = new QListView(this);
    m_savedView->setObjectName(QStringLiteral("savedConnections"));
    m_savedView->setModel(m_savedModel);
    m_savedView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    connect(m_savedView->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex &index) { onSavedActivated(index); });
    connect(m_savedView, &QListView::clicked, this, &ConnectDialog::onSavedActivated); // the current one again
    connect(m_savedView, &QListView::doubleClicked, this, [this](const QModelIndex &) { connectNow(); });
    m_recentModel = new QStandardItemModel(this);
    m_recentView = new QListView(this);
    m_recentView->setObjectName(QStringLiteral("recentConnections"));
    m_recentView->setModel(m_recentModel);
    m_recentView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    connect(m_recentView->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex &index) { onRecentActivated(index); });
    connect(m_recentView, &QListView::clicked, this, &ConnectDialog::onRecentActivated);
    connect(m_recentView, &QListView::doubleClicked, this, [this](const QModelIndex &) { connectNow(); });
    auto *savedLabel = new QLabel(tr("&Saved connections"), this);
    savedLabel->setBuddy(m_savedView);
    auto *recentLabel = new QLabel(tr("&Recent connections"), this);
    recentLabel->setBuddy(m_recentView);
    auto *demoNote = new QLabel(tr("A shop with 200,000 orders, to try a migration without a server."), this);
    demoNote->setWordWrap(true);
    demoNote->setForegroundRole(QPalette::PlaceholderText);
    auto *left = new QVBoxLayout;
    left->addWidget(demo);
    left->addWidget(demoNote);
    left->addSpacing(8);
    left->addWidget(savedLabel);
    left->addWidget(m_savedView, 3);
    left->addWidget(recentLabel);
    left->addWidget(m_recentView, 2);

    // Right: the fields.
    m_url = new QLineEdit(this);
    m_url->setObjectName(QStringLiteral("url"));
    m_url->setPlaceholderText(QStringLiteral("postgresql://user@host:5432/database?sslmode=require"));
    m_url->setToolTip(tr("Paste a connection URL to fill the form; the form's fields show here as you edit them. "
                         "The password is never shown in the URL."));
    connect(m_url, &QLineEdit::editingFinished, this, &ConnectDialog::onUrlEdited);
    connect(m_url, &QLineEdit::textEdited, this, &ConnectDialog::onUrlTyped);
    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("name"));
    m_name->setPlaceholderText(tr("e.g. Production orders (read replica)"));
    m_engine = new QComboBox(this);
    m_engine->setObjectName(QStringLiteral("engine"));
    for (const Engine engine : Engines)
        m_engine->addItem(engineName(engine));
    m_host = new QLineEdit(this);
    m_host->setObjectName(QStringLiteral("host"));
    m_host->setPlaceholderText(QStringLiteral("localhost"));
    m_port = new QSpinBox(this);
    m_port->setObjectName(QStringLiteral("port"));
    m_port->setRange(0, 65535);
    m_database = new QLineEdit(this);
    m_database->setObjectName(QStringLiteral("database"));
    m_browseDatabase = new QPushButton(tr("Browse…"), this);
    connect(m_browseDatabase, &QPushButton::clicked, this, [this] {
        browseFile(m_database, tr("SQLite Database"), tr("SQLite databases (*.db *.sqlite *.sqlite3);;All files (*)"));
    });
    m_databaseRow = new QWidget(this);
    auto *databaseLayout = new QHBoxLayout(m_databaseRow);
    databaseLayout->setContentsMargins(0, 0, 0, 0);
    databaseLayout->addWidget(m_database);
    databaseLayout->addWidget(m_browseDatabase);
    m_user = new QLineEdit(this);
    m_user->setObjectName(QStringLiteral("user"));
    m_password = new QLineEdit(this);
    m_password->setObjectName(QStringLiteral("password"));
    m_password->setEchoMode(QLineEdit::Password);
    m_remember = new QCheckBox(tr("Remember the password in the system &keychain"), this);
    m_remember->setObjectName(QStringLiteral("rememberPassword"));
    m_remember->setToolTip(tr("Saved with the connection, in GNOME Keyring, KWallet, the macOS Keychain or the Windows "
                              "Credential Store; never in Stagecraft's settings file."));

    // TLS
    m_sslMode = new QComboBox(this);
    m_sslMode->setObjectName(QStringLiteral("sslMode"));
    m_sslRootCert = new QLineEdit(this);
    m_sslCert = new QLineEdit(this);
    m_sslKey = new QLineEdit(this);
    auto *tlsForm = new QFormLayout;
    const auto fileRow = [this, tlsForm](const QString &label, QLineEdit *field, const QString &title,
                                         const QString &filter) {
        auto *row = new QHBoxLayout;
        auto *browse = new QPushButton(tr("Browse…"), this);
        connect(browse, &QPushButton::clicked, this, [this, field, title, filter] { browseFile(field, title, filter); });
        row->addWidget(field);
        row->addWidget(browse);
        auto *text = new QLabel(label, this);
        text->setBuddy(field);
        tlsForm->addRow(text, row);
    };
    tlsForm->addRow(tr("&Mode:"), m_sslMode);
    const QString pem = tr("Certificates (*.pem *.crt *.cer);;All files (*)");
    fileRow(tr("&CA certificate:"), m_sslRootCert, tr("CA Certificate"), pem);
    fileRow(tr("Client c&ertificate:"), m_sslCert, tr("Client Certificate"), pem);
    fileRow(tr("Client &key:"), m_sslKey, tr("Client Key"), tr("Keys (*.key *.pem);;All files (*)"));
    auto *tls = new QGroupBox(tr("TLS"), this);
    tls->setLayout(tlsForm);
    m_tls = tls;

    m_form = new QFormLayout;
    m_form->addRow(tr("&URL:"), m_url);
    m_form->addRow(tr("&Name:"), m_name);
    m_form->addRow(tr("&Engine:"), m_engine);
    m_form->addRow(tr("&Host:"), m_host);
    m_form->addRow(tr("&Port:"), m_port);
    m_form->addRow(tr("Data&base:"), m_databaseRow);
    m_form->addRow(tr("U&ser:"), m_user);
    m_form->addRow(tr("Pass&word:"), m_password);
    m_form->addRow(QString(), m_remember);
    m_form->addRow(m_tls);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("connectStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setMinimumHeight(m_status->fontMetrics().height() * 3);
    m_status->setAlignment(Qt::AlignLeft | Qt::AlignTop);

    auto *buttons = new QDialogButtonBox(this);
    m_testButton = buttons->addButton(tr("&Test Connection"), QDialogButtonBox::ActionRole);
    m_saveButton = buttons->addButton(tr("Sa&ve"), QDialogButtonBox::ActionRole);
    m_deleteButton = buttons->addButton(tr("De&lete"), QDialogButtonBox::ActionRole);
    m_connectButton = buttons->addButton(tr("&Connect"), QDialogButtonBox::AcceptRole);
    buttons->addButton(QDialogButtonBox::Cancel);
    // Enter connects, wherever the focus is: only Connect is a default button; Test, Save and
    // Delete take Enter only by a click or Space (autoDefault would make the focused one the default).
    for (QPushButton *button : buttons->findChildren<QPushButton *>())
        button->setAutoDefault(false);
    for (QPushButton *button : findChildren<QPushButton *>())
        button->setAutoDefault(false);
    m_connectButton->setAutoDefault(true);
    m_connectButton->setDefault(true);
    connect(m_testButton, &QPushButton::clicked, this, &ConnectDialog::testConnection);
    connect(m_saveButton, &QPushButton::clicked, this, &ConnectDialog::saveConnection);
    connect(m_deleteButton, &QPushButton::clicked, this, &ConnectDialog::deleteConnection);
    connect(buttons, &QDialogButtonBox::accepted, this, &ConnectDialog::connectNow);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *right = new QVBoxLayout;
    right->addLayout(m_form);
    right->addWidget(m_status);
    right->addStretch(1);
    auto *columns = new QHBoxLayout;
    columns->addLayout(left, 2);
    columns->addSpacing(12);
    columns->addLayout(right, 5);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(columns);
    layout->addWidget(buttons);
    resize(900, 560);

    connect(m_engine, &QComboBox::currentIndexChanged, this, &ConnectDialog::onEngineChanged);
    for (QLineEdit *field : {m_name, m_host, m_database, m_user, m_sslRootCert, m_sslCert, m_sslKey})
        connect(field, &QLineEdit::textEdited, this, &ConnectDialog::onFieldsEdited);
    connect(m_port, &QSpinBox::valueChanged, this, &ConnectDialog::onFieldsEdited);
    connect(m_sslMode, &QComboBox::currentIndexChanged, this, &ConnectDialog::onFieldsEdited);
    connect(m_password, &QLineEdit::textEdited, this, &ConnectDialog::cancelPasswordRead);
}

Engine ConnectDialog::currentEngine() const
{
    return Engines.value(m_engine->currentIndex(), Engine::PostgreSQL);
}

void ConnectDialog::onEngineChanged()
{
    const Engine engine = currentEngine();
    const bool server = engine != Engine::SQLite;
    for (QWidget *field : {static_cast<QWidget *>(m_host), static_cast<QWidget *>(m_port),
                           static_cast<QWidget *>(m_user), static_cast<QWidget *>(m_password),
                           static_cast<QWidget *>(m_remember), m_tls})
        m_form->setRowVisible(field, server);
    m_browseDatabase->setVisible(!server);
    m_database->setPlaceholderText(server ? tr("the database's name") : tr("the database file, e.g. /srv/app/shop.db"));
    if (QLabel *label = qobject_cast<QLabel *>(m_form->labelForField(m_databaseRow)))
        label->setText(server ? tr("Data&base:") : tr("&File:"));
    // 0 is "the engine's default", shown as such.
    m_port->setSpecialValueText(server ? tr("default (%1)").arg(defaultPort(engine)) : QString());
    const QString mode = m_sslMode->currentData().toString();
    {
        const QSignalBlocker blocker(m_sslMode);
        m_sslMode->clear();
        m_sslMode->addItem(tr("the driver's default"), QString());
        for (const QString &m : sslModes(engine))
            m_sslMode->addItem(m, m);
        m_sslMode->setCurrentIndex(std::max(0, m_sslMode->findData(mode)));
    }
    onFieldsEdited();
}

ConnectionProfile ConnectDialog::profile() const
{
    ConnectionProfile p;
    p.engine = currentEngine();
    p.database = m_database->text().trimmed();
    if (p.engine != Engine::SQLite) {
        p.host = m_host->text().trimmed();
        p.port = m_port->value();
        p.user = m_user->text().trimmed();
        p.password = m_password->text();
        p.sslMode = m_sslMode->currentData().toString();
        p.sslRootCert = m_sslRootCert->text().trimmed();
        p.sslCert = m_sslCert->text().trimmed();
        p.sslKey = m_sslKey->text().trimmed();
    }
    return p;
}

void ConnectDialog::setProfile(const ConnectionProfile &profile)
{
    m_updating = true;
    m_engine->setCurrentIndex(int(Engines.indexOf(profile.engine)));
    onEngineChanged(); // also when the index did not change: the TLS modes and labels follow it
    m_host->setText(profile.host);
    m_port->setValue(profile.port);
    m_database->setText(profile.database);
    m_user->setText(profile.user);
    m_password->setText(profile.password);
    m_sslMode->setCurrentIndex(std::max(0, m_sslMode->findData(profile.sslMode)));
    m_sslRootCert->setText(profile.sslRootCert);
    m_sslCert->setText(profile.sslCert);
    m_sslKey->setText(profile.sslKey);
    m_updating = false;
    onFieldsEdited();
}

void ConnectDialog::onFieldsEdited()
{
    if (m_updating)
        return;
    cancelPasswordRead(); // the form is the user's now: a late keychain answer must not land in it
    if (m_urlTyping)
        return; // the URL is being typed: the form follows it, not the other way round
    const ConnectionProfile p = profile();
    setUrlText(p.database.isEmpty() ? QString() : p.toUrl());
}

void ConnectDialog::setUrlText(const QString &text)
{
    m_urlBefore = text;
    m_url->setText(text);
}

void ConnectDialog::onUrlTyped(const QString &text)
{
    const bool pasted = text.size() > m_urlBefore.size() + 1;
    m_urlBefore = text;
    if (pasted) {
        onUrlEdited(); // as leaving the field does: the form, and a password in it hidden
        return;
    }
    ConnectionProfile p;
    QString error;
    if (!ConnectionProfile::fromUrl(text.trimmed(), &p, &error))
        return; // half typed: no error while typing; leaving the field says what is wrong
    cancelPasswordRead();
    if (p.password.isEmpty())
        p.password = m_password->text();
    m_urlTyping = true;
    setProfile(p);
    m_urlTyping = false;
    setStatus(tr("The form now holds %1.").arg(p.displayName()), true);
}

void ConnectDialog::cancelPasswordRead()
{
    if (m_pendingPasswordName.isEmpty())
        return;
    m_pendingPasswordName.clear();
    updateButtons();
}

void ConnectDialog::updateButtons()
{
    // Test and Save stay enabled while they work (a second click is ignored): disabling the button
    // that has the focus would move the focus on, to the next button.
    const bool waitingForPassword = !m_pendingPasswordName.isEmpty();
    const bool saving = !m_savingName.isEmpty();
    m_connectButton->setEnabled(!waitingForPassword);
    m_testButton->setEnabled(!waitingForPassword);
    m_deleteButton->setEnabled(!saving && m_savedView->currentIndex().isValid());
}

void ConnectDialog::onUrlEdited()
{
    const QString text = m_url->text().trimmed();
    if (text.isEmpty())
        return;
    cancelPasswordRead();
    ConnectionProfile p;
    QString error;
    if (!ConnectionProfile::fromUrl(text, &p, &error)) {
        // Whatever was pasted, a password does not stay on screen.
        static const QRegularExpression password(QStringLiteral("^((?:[a-z]+://)?[^/@:]*:)[^@/]*@"));
        QString shown = text;
        setUrlText(shown.replace(password, QStringLiteral("\\1@")));
        setStatus(error, false);
        return;
    }
    if (p.password.isEmpty())
        p.password = m_password->text(); // a pasted URL rarely carries it; keep what was typed
    setProfile(p);
    setStatus(tr("The form now holds %1.").arg(p.displayName()), true);
}

void ConnectDialog::reloadLists()
{
    // Programmatic: filling the lists must not fill the form.
    const QSignalBlocker savedBlocker(m_savedView->selectionModel());
    const QSignalBlocker recentBlocker(m_recentView->selectionModel());
    m_savedModel->clear();
    for (const SavedConnection &c : m_book->saved()) {
        auto *item = new QStandardItem(c.name);
        item->setData(c.profile.toUrl(), ProfileRole);
        item->setData(c.name, NameRole);
        item->setData(c.passwordSaved, PasswordSavedRole);
        item->setToolTip(QStringLiteral("%1 — %2").arg(engineName(c.profile.engine), c.profile.displayName()));
        m_savedModel->appendRow(item);
        if (c.name == m_selectedName)
            m_savedView->setCurrentIndex(item->index());
    }
    m_recentModel->clear();
    for (const ConnectionProfile &p : m_book->recent()) {
        auto *item = new QStandardItem(QStringLiteral("%1 — %2").arg(engineName(p.engine), p.displayName()));
        item->setData(p.toUrl(), ProfileRole);
        item->setToolTip(p.toUrl());
        m_recentModel->appendRow(item);
    }
    updateButtons();
}

void ConnectDialog::onSavedActivated(const QModelIndex &index)
{
    if (!index.isValid())
        return;
    ConnectionProfile p;
    QString error;
    if (!ConnectionProfile::fromUrl(index.data(ProfileRole).toString(), &p, &error))
        return;
    {
        const QSignalBlocker blocker(m_recentView->selectionModel());
        m_recentView->setCurrentIndex({}); // one list at a time, so either can be chosen again
    }
    const QString name = index.data(NameRole).toString();
    setProfile(p);
    m_name->setText(name);
    m_selectedName = name;
    const bool passwordSaved = index.data(PasswordSavedRole).toBool();
    m_remember->setChecked(passwordSaved);
    if (passwordSaved) {
        m_pendingPasswordName = name;
        m_pendingProfile = p;
        setStatus(tr("Reading the password of “%1” from the system keychain…").arg(name), true);
        m_book->readPassword(name);
    } else {
        m_pendingPasswordName.clear();
        setStatus(tr("No password saved for “%1”.").arg(name), true);
    }
    updateButtons();
}

void ConnectDialog::onRecentActivated(const QModelIndex &index)
{
    if (!index.isValid())
        return;
    ConnectionProfile p;
    QString error;
    if (!ConnectionProfile::fromUrl(index.data(ProfileRole).toString(), &p, &error))
        return;
    {
        const QSignalBlocker blocker(m_savedView->selectionModel());
        m_savedView->setCurrentIndex({});
    }
    cancelPasswordRead();
    setProfile(p);
    m_name->clear();
    m_selectedName.clear();
    m_remember->setChecked(false);
    setStatus(tr("Recent connection %1.").arg(p.displayName()), true);
    updateButtons();
}

bool ConnectDialog::selectSaved(const QString &name)
{
    for (int row = 0; row < m_savedModel->rowCount(); ++row) {
        const QModelIndex index = m_savedModel->index(row, 0);
        if (index.data(NameRole).toString() == name) {
            {
                const QSignalBlocker blocker(m_savedView->selectionModel());
                m_savedView->setCurrentIndex(index);
            }
            onSavedActivated(index); // also when it was the current one already
            return true;
        }
    }
    return false;
}

void ConnectDialog::onPasswordRead(const QString &name, bool found, const QString &password, const QString &error)
{
    if (name.isEmpty() || name != m_pendingPasswordName)
        return; // the form moved on meanwhile
    m_pendingPasswordName.clear();
    updateButtons();
    ConnectionProfile now = profile();
    now.password.clear();
    if (now != m_pendingProfile)
        return; // filled from elsewhere since: this password belongs to another server
    if (!error.isEmpty())
        setStatus(error, false);
    else if (found) {
        m_password->setText(password);
        setStatus(tr("Password read from the system keychain."), true);
    } else
        setStatus(tr("The keychain holds no password for “%1”: enter it.").arg(name), false);
    Q_EMIT passwordLoaded();
}

void ConnectDialog::testConnection()
{
    if (m_check.isRunning())
        return;
    const ConnectionProfile p = profile();
    if (p.database.isEmpty()) {
        setStatus(p.engine == Engine::SQLite ? tr("Choose the database file first.") : tr("Name the database first."),
                  false);
        Q_EMIT tested(false);
        return;
    }
    m_testedName = p.displayName();
    setStatus(tr("Connecting to %1…").arg(m_testedName), true);
    m_check.setFuture(checkConnection(p));
    updateButtons();
}

void ConnectDialog::onTested()
{
    updateButtons();
    const ConnectionCheck check = m_check.result();
    if (check.ok)
        setStatus(tr("Connected to %1: %2, in %3 ms.").arg(m_testedName, check.server.displayName()).arg(check.elapsedMs),
                  true);
    else
        setStatus(check.error.text(), false);
    Q_EMIT tested(check.ok);
}

void ConnectDialog::saveConnection()
{
    if (!m_savingName.isEmpty())
        return;
    const QString name = m_name->text().trimmed();
    m_savingName = name.isEmpty() ? QStringLiteral(" ") : name; // an empty name is refused at once, below
    updateButtons();
    if (m_remember->isChecked() && !m_password->text().isEmpty())
        setStatus(tr("Saving the password in the system keychain…"), true);
    m_book->save(name, profile(), m_remember->isChecked(), m_selectedName);
}

void ConnectDialog::onSaveFinished(const QString &name, bool ok, const QString &message)
{
    if (m_savingName.isEmpty() || name != m_savingName.trimmed())
        return; // another window's save
    m_savingName.clear();
    if (!ok) {
        updateButtons();
        setStatus(message, false);
        Q_EMIT saved();
        return;
    }
    m_selectedName = name;
    reloadLists(); // keeps the form, and the password typed in it, as it is
    bool passwordSaved = false;
    for (const SavedConnection &c : m_book->saved())
        passwordSaved = passwordSaved || (c.name == name && c.passwordSaved);
    if (!message.isEmpty())
        setStatus(message, !message.contains(tr("without its password")));
    else if (passwordSaved)
        setStatus(tr("Saved “%1”, with its password in the system keychain.").arg(name), true);
    else
        setStatus(tr("Saved “%1”; the password is not kept.").arg(name), true);
    Q_EMIT saved();
}

void ConnectDialog::deleteConnection()
{
    const QModelIndex index = m_savedView->currentIndex();
    if (!index.isValid() || !m_savingName.isEmpty())
        return;
    const QString name = index.data(NameRole).toString();
    m_book->remove(name);
    if (m_pendingPasswordName == name)
        cancelPasswordRead();
    m_selectedName.clear();
    reloadLists();
    setStatus(tr("Deleted “%1”.").arg(name), true);
}

void ConnectDialog::connectNow()
{
    if (!m_pendingPasswordName.isEmpty())
        return; // the password is on its way from the keychain
    const ConnectionProfile p = profile();
    if (p.database.isEmpty()) {
        setStatus(p.engine == Engine::SQLite ? tr("Choose the database file first.") : tr("Name the database first."),
                  false);
        return;
    }
    Q_EMIT connectRequested(p);
    accept();
}

void ConnectDialog::setStatus(const QString &text, bool good)
{
    m_status->setText(text);
    QPalette palette = m_status->palette();
    palette.setColor(QPalette::WindowText, good ? QApplication::palette().color(QPalette::WindowText)
                                                : ThemeColors::text(ThemeColors::Error));
    m_status->setPalette(palette);
}

QString ConnectDialog::statusText() const
{
    return m_status->text();
}

void ConnectDialog::browseFile(QLineEdit *field, const QString &title, const QString &filter)
{
    auto *dialog = new QFileDialog(this, title, field->text(), filter);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(QFileDialog::ExistingFile);
    connect(dialog, &QFileDialog::fileSelected, this, [this, field](const QString &file) {
        field->setText(file);
        onFieldsEdited();
    });
    dialog->open();
}

} // namespace Stagecraft
