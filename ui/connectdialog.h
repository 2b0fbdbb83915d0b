#pragma once

#include "connection/connectioncheck.h"
#include "connection/connectionprofile.h"

#include <QDialog>
#include <QFutureWatcher>

class QCheckBox;
class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QListView;
class QPushButton;
class QSpinBox;
class QStandardItemModel;
class QWidget;

namespace Stagecraft {

class ConnectionBook;

// File > Connect…: saved connections and recent ones on the left, the connection's fields on the
// right (engine with its default port, host, database or file, user, password, TLS), a URL line
// that fills the form, "Test Connection" (off the GUI thread), save and delete, and the demo
// database one click away. Passwords go to the system keychain, never to the settings file.
class ConnectDialog : public QDialog
{
    Q_OBJECT
public:
    // book: the saved and recent connections; it must outlive the dialog (the main window owns it).
    explicit ConnectDialog(ConnectionBook *book, QWidget *parent = nullptr);
    ~ConnectDialog() override;

    // The form as a profile (with the password typed), and the reverse.
    [[nodiscard]] ConnectionProfile profile() const;
    void setProfile(const ConnectionProfile &profile);

    // Tests the connection on a worker thread; tested() tells the result.
    void testConnection();
    // Saves the form under its name (and the password in the keychain if asked); saved() follows.
    void saveConnection();
    // Deletes the selected saved connection and its keychain entry.
    void deleteConnection();
    // Selects a saved connection (filling the form; its password is read from the keychain).
    bool selectSaved(const QString &name);

    [[nodiscard]] QStandardItemModel *savedModel() const { return m_savedModel; }
    [[nodiscard]] QStandardItemModel *recentModel() const { return m_recentModel; }
    [[nodiscard]] QString statusText() const;
    [[nodiscard]] QComboBox *engineChoice() const { return m_engine; }
    [[nodiscard]] QSpinBox *portField() const { return m_port; }
    [[nodiscard]] QLineEdit *nameField() const { return m_name; }
    [[nodiscard]] QLineEdit *passwordField() const { return m_password; }
    [[nodiscard]] QCheckBox *rememberPassword() const { return m_remember; }
    [[nodiscard]] QLineEdit *urlField() const { return m_url; }

Q_SIGNALS:
    // The user chose to connect: the window opens the profile.
    void connectRequested(const ConnectionProfile &profile);
    void demoRequested();
    void tested(bool ok);
    // A save finished, keychain included (statusText() says how it went).
    void saved();
    // A saved connection's password arrived from the keychain (or could not be read).
    void passwordLoaded();

private:
    void buildForm();
    void onEngineChanged();
    void onFieldsEdited();
    void onUrlEdited();
    // The URL as it is typed or pasted: the form fills as soon as it reads as a URL.
    void onUrlTyped(const QString &text);
    void setUrlText(const QString &text);
    void onTested();
    void onSavedActivated(const QModelIndex &index);
    void onRecentActivated(const QModelIndex &index);
    void onPasswordRead(const QString &name, bool found, const QString &password, const QString &error);
    void onSaveFinished(const QString &name, bool ok, const QString &message);
    void cancelPasswordRead();
    void updateButtons();
    void connectNow();
    void reloadLists();
    void setStatus(const QString &text, bool good);
    void browseFile(QLineEdit *field, const QString &title, const QString &filter);
    [[nodiscard]] Engine currentEngine() const;

    ConnectionBook *m_book;
    QFutureWatcher<ConnectionCheck> m_check;
    QString m_testedName; // what the running Test Connection tries to reach
    QString m_selectedName; // the saved connection the form was filled from ("" if none)
    QString m_pendingPasswordName; // a saved connection whose password the form waits for
    ConnectionProfile m_pendingProfile; // the form when it asked (a late answer for another is dropped)
    QString m_savingName; // a save this dialog waits for
    bool m_updating = false; // the form is being filled: edits are not the user's
    bool m_urlTyping = false; // the form is filled from the URL being typed: the URL is left as typed
    QString m_urlBefore; // the URL field's text before the last edit (a paste grows it by more than a letter)

    QStandardItemModel *m_savedModel = nullptr;
    QStandardItemModel *m_recentModel = nullptr;
    QListView *m_savedView = nullptr;
    QListView *m_recentView = nullptr;
    QLineEdit *m_url = nullptr;
    QLineEdit *m_name = nullptr;
    QComboBox *m_engine = nullptr;
    QLineEdit *m_host = nullptr;
    QSpinBox *m_port = nullptr;
    QLineEdit *m_database = nullptr;
    QPushButton *m_browseDatabase = nullptr;
    QLineEdit *m_user = nullptr;
    QLineEdit *m_password = nullptr;
    QCheckBox *m_remember = nullptr;
    QWidget *m_tls = nullptr;
    QComboBox *m_sslMode = nullptr;
    QLineEdit *m_sslRootCert = nullptr;
    QLineEdit *m_sslCert = nullptr;
    QLineEdit *m_sslKey = nullptr;
    QLabel *m_status = nullptr;
    QPushButton *m_testButton = nullptr;
    QPushButton *m_saveButton = nullptr;
    QPushButton *m_deleteButton = nullptr;
    QPushButton *m_connectButton = nullptr;
    QFormLayout *m_form = nullptr;
    QWidget *m_databaseRow = nullptr; // the database field, with Browse… for a SQLite file
};

} // namespace Stagecraft
