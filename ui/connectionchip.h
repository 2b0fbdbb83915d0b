#pragma once

#include "connectionsummary.h"

#include <QWidget>

namespace Stagecraft {

// A chip that names a connection: "Plan on  Demo database — SQLite 3.46.1", the engine in a
// badge of its own. It elides to the room it has (the whole text is in its tooltip), so it never
// widens the window. The main window keeps one beside the tabs: the connection of the tab on view.
class ConnectionChip : public QWidget
{
    Q_OBJECT
public:
    explicit ConnectionChip(QWidget *parent = nullptr);

    // prefix: what the connection is to the tab, e.g. "Plan on"; an empty summary hides the chip.
    void setConnection(const QString &prefix, const ConnectionSummary &connection);
    [[nodiscard]] QString text() const;
    [[nodiscard]] QSize sizeHint() const override;
    [[nodiscard]] QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    [[nodiscard]] QString engineText() const;

    QString m_prefix;
    ConnectionSummary m_connection;
};

} // namespace Stagecraft
