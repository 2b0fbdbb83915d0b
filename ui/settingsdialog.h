#pragma once

#include "run/runner.h"

#include <QDialog>

class QComboBox;
class QDoubleSpinBox;
class QSpinBox;

namespace Stagecraft {

// Preferences: the runner's lock timeout, retries, target batch time, pause between batches and what to do about sessions
// holding the table, and the colour theme. Stored with
// QSettings; runs started from the window use them.
class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    enum class Theme { System, Light, Dark };

    explicit SettingsDialog(QWidget *parent = nullptr);

    // What is stored (defaults where nothing is).
    [[nodiscard]] static RunSettings runSettings();
    [[nodiscard]] static Theme theme();
    // Applies a theme to the whole application (Fusion with a light or dark palette, or the system's).
    static void applyTheme(Theme theme);

    [[nodiscard]] QSpinBox *lockTimeout() const { return m_lockTimeout; }
    [[nodiscard]] QSpinBox *batchTime() const { return m_batchTime; }
    [[nodiscard]] QSpinBox *retries() const { return m_retries; }
    [[nodiscard]] QSpinBox *throttle() const { return m_throttle; }
    [[nodiscard]] QComboBox *blockerPolicy() const { return m_blockers; }
    [[nodiscard]] QComboBox *themeChoice() const { return m_theme; }
    // Saves and applies, whichever way the dialog is accepted.
    void accept() override;

private:
    void save();

    QSpinBox *m_lockTimeout = nullptr;
    QSpinBox *m_batchTime = nullptr;
    QSpinBox *m_retries = nullptr;
    QSpinBox *m_throttle = nullptr;
    QSpinBox *m_writerWait = nullptr;
    QSpinBox *m_replicaLag = nullptr;
    QDoubleSpinBox *m_latencyFactor = nullptr;
    QDoubleSpinBox *m_slowdownFactor = nullptr;
    QComboBox *m_blockers = nullptr;
    QComboBox *m_theme = nullptr;
};

} // namespace Stagecraft
