#pragma once

#include <QWidget>

namespace Stagecraft {

// The line under a designer field that holds its error or warning. It keeps its height whether it
// says something or not, so no field moves under the mouse when a message comes or goes: a message
// longer than the line is elided (the whole of it is in the tooltip and in the plan view's list).
// Its colours follow the palette, readable in the light and the dark theme.
class FieldMessage : public QWidget
{
    Q_OBJECT
public:
    enum class Kind { Error, Warning };
    explicit FieldMessage(QWidget *parent = nullptr);

    void setMessage(const QString &text, Kind kind = Kind::Error);
    void clear() { setMessage({}); }
    [[nodiscard]] QString text() const { return m_text; }
    [[nodiscard]] Kind kind() const { return m_kind; }
    [[nodiscard]] QSize sizeHint() const override;
    [[nodiscard]] QSize minimumSizeHint() const override;
    // The colour a message of the kind is drawn in on the palette's window colour.
    [[nodiscard]] static QColor colour(const QPalette &palette, Kind kind);

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QString m_text;
    Kind m_kind = Kind::Error;
};

} // namespace Stagecraft
