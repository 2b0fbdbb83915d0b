#pragma once

#include <QString>

#include <functional>

namespace Stagecraft {

// The demo shop database (customers, products, 200,000 orders, order items) that Stagecraft
// opens when no connection is given. Generated from resources/demo/shop.sql on first use.
class DemoDatabase
{
public:
    // Where the demo lives: the user's application data folder.
    [[nodiscard]] static QString defaultPath();
    // Whether path holds a demo database generated from the current definition.
    [[nodiscard]] static bool isCurrent(const QString &path);
    // Generates the demo at path unless it is already current. The file appears only when it is
    // complete (it is built beside it and renamed), so an interrupted run leaves nothing half-made.
    // progress(done, total) is called after each statement, on the calling thread.
    [[nodiscard]] static bool ensure(const QString &path, QString *error,
                                     const std::function<void(int done, int total)> &progress = {});
    // The statements of the definition, in order.
    [[nodiscard]] static QStringList statements();
};

} // namespace Stagecraft
