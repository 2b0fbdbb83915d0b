#pragma once

#include "connection/connectioncheck.h"
#include "connection/connectionprofile.h"
#include "connection/passwordstore.h"
#include "connection/profilestore.h"

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

// File > Connect…: saved connections and recent ones on the left, the connection's fields on the
// right (engine with its default port, host, database or file, user, password, TLS), a URL line
// that fills the form, "Test Connection" (off the GUI thread), save and delete, and the demo
// database one click away. Passwords go to the system keychain, never to the settings file.
class ConnectDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ConnectDialog(QWidget *parent = nullptr);
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
    void onTested();
    void onSavedActivated(const QModelIndex &index);
    void onRecentActivated(const QModelIndex &index);
    void onPasswordRead(const QString &key, bool found, const QString &password, const QString &error);
    void onPasswordWritten(const QString &key, const QString &error);
    void connectNow();
    void reloadLists();
    void setStatus(const QString &text, bool good);
    void browseFile(QLineEdit *field, const QString &title, const QString &filter);
    [[nodiscard]] Engine currentEngine() const;

    ProfileStore m_store;
    PasswordStore *m_passwords = nullptr;
    QFutureWatcher<ConnectionCheck> m_check;
    QString m_pendingPasswordKey; // the keychain entry whose password the form waits for
    SavedConnection m_saving; // the connection being saved, until the keychain answers
    bool m_updating = false; // the form is being filled: edits are not the user's

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
