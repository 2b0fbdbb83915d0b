// Prints a runner's events as they come: a line of text each (with a progress bar for the backfill
// on a terminal), or with --progress json one JSON object per line for scripts.
#pragma once

#include "run/runner.h"

#include <QJsonObject>
#include <QString>

namespace Stagecraft::Cli {

class ProgressPrinter
{
public:
    // json: one object per event; bar: redraw one line for the backfill (text on a terminal only).
    ProgressPrinter(bool json, bool bar);

    // Prints every event the runner sends from now on; the printer must outlive the run.
    void attach(Runner &runner);

    // How the run ended, as its runFinished said (Failed if it never said).
    [[nodiscard]] RunOutcome outcome() const { return m_outcome; }

private:
    void attachSteps(Runner &runner);
    void attachWaits(Runner &runner);
    void attachFinish(Runner &runner);
    void backfillProgressed(const BackfillProgress &p) const;
    [[nodiscard]] static QString pacingText(const BackfillProgress &p);
    void event(const QJsonObject &o, const QString &text) const;

    bool m_json;
    bool m_bar;
    RunOutcome m_outcome = RunOutcome::Failed;
};

} // namespace Stagecraft::Cli
