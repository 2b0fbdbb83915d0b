#pragma once

#include <QList>
#include <QWidget>

namespace Stagecraft {

// A small bar chart of the last values of a count (the sync's fills per probe of a waiting gate):
// at a glance whether it still moves. Newest on the right; nothing drawn for no values.
class Sparkline : public QWidget
{
    Q_OBJECT
public:
    explicit Sparkline(QWidget *parent = nullptr);

    // Appends a value, keeping the last `capacity` ones.
    void append(qint64 value);
    void clear();
    [[nodiscard]] const QList<qint64> &values() const { return m_values; }
    [[nodiscard]] QSize sizeHint() const override { return {160, 28}; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QList<qint64> m_values;
    int m_capacity = 30;
};

} // namespace Stagecraft
