// stagecraft-cli run: plan the column on this connection, check it against --approved, ask for the
// typed confirmation and run it.

#include "commands.h"
#include "common.h"
#include "execution.h"
#include "planfromspec.h"

#include "plan/planformat.h"

#include <QCommandLineParser>
#include <QFile>

namespace Stagecraft::Cli {

namespace {

// --approved FILE: the plan about to run must be the one reviewed (its fingerprint in FILE).
int checkApproved(const QCommandLineParser &parser, const Plan &plan)
{
    if (!parser.isSet(QStringLiteral("approved")))
        return Ok;
    const QString path = parser.value(QStringLiteral("approved"));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        err() << "stagecraft-cli: --approved: cannot read " << path << ": " << file.errorString() << "\n";
        return BadInput;
    }
    const QString approved = PlanFormat::findFingerprint(file.readAll());
    if (approved.isEmpty()) {
        err() << "stagecraft-cli: --approved: " << path
              << " holds no plan fingerprint (sha256:…); give the plan's JSON, SQL or review report\n";
        return BadInput;
    }
    const QString now = PlanFormat::fingerprint(plan);
    if (approved != now) {
        err() << "stagecraft-cli: the plan differs from the approved one: nothing was changed.\n"
              << "  approved: " << approved << "\n  now:      " << now << "\n"
              << "The spec, the server's version or the table changed since the review: review the new plan "
                 "(stagecraft-cli plan --format markdown) and approve it again.\n";
        return BadInput;
    }
    err() << "stagecraft-cli: the plan matches the approved one (" << now << ")\n";
    return Ok;
}

} // namespace

int run(const QCommandLineParser &parser)
{
    std::unique_ptr<DatabaseConnection> connection;
    Plan result;
    if (const int code = makePlan(parser, &connection, &result); code != Ok)
        return code;
    if (const int code = checkApproved(parser, result); code != Ok)
        return code;
    if (!confirmed(parser, *connection, result))
        return BadInput;
    return execute(parser, *connection, result, QString(), Mode::Run);
}

} // namespace Stagecraft::Cli
