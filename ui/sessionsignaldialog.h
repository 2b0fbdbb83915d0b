#pragma once

#include "run/sessionsignal.h"

#include <QDialog>

class QLineEdit;
class QPushButton;

namespace Stagecraft {

// The typed confirmation before Stagecraft cancels another session's statement or terminates it:
// names the server, the database and the session (its user, application, transaction and last
// statement), says what the application will see, and is accepted only once the session's number
// is typed.
class SessionSignalDialog : public QDialog
{
    Q_OBJECT
public:
    SessionSignalDialog(const QString &server, const QString &database, const BlockingSession &session,
                        SessionSignal::Action action, QWidget *parent = nullptr);

    [[nodiscard]] QPushButton *acceptButton() const { return m_accept; }
    [[nodiscard]] QLineEdit *confirmEdit() const { return m_edit; }

private:
    QLineEdit *m_edit = nullptr;
    QPushButton *m_accept = nullptr;
};

} // namespace Stagecraft
