#pragma once

#include <QDialog>

class QLineEdit;
class QPushButton;

namespace Stagecraft {

// Nothing runs without an explicit confirmation naming the server, the database and the table:
// this dialog says what will be changed and blocked, and enables Run only once the table's name
// is typed.
class ConfirmRunDialog : public QDialog
{
    Q_OBJECT
public:
    ConfirmRunDialog(const QString &server, const QString &database, const QString &table, const QString &impact,
                     QWidget *parent = nullptr);
    // Names the dialog and its button for what it does ("Roll back total_eur?", "Roll Back");
    // by default "Run the migration?" and "Run".
    void setAction(const QString &title, const QString &button);
    [[nodiscard]] QLineEdit *confirmationEdit() const { return m_edit; }
    [[nodiscard]] QPushButton *runButton() const { return m_run; }

private:
    QLineEdit *m_edit = nullptr;
    QPushButton *m_run = nullptr;
};

} // namespace Stagecraft
