#include "journalfixture.h"

#include "connection/databaseconnection.h"
#include "run/journal.h"

#include <QUuid>

namespace Stagecraft::Testing {

bool JournalFixture::record(const ConnectionProfile &profile, const Plan &plan, const PlanOrigin &origin, QString *runId, QString *error)
{
    DatabaseConnection connection(profile);
    ConnectionError e;
    Journal journal(connection);
    const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    // An existing journal is left as it is: an older one keeps its columns.
    const bool ok = connection.open(&e) && (journal.exists() || journal.ensure(&e)) && journal.startRun(id, plan, origin, &e)
        && journal.setStep(id, 0, Journal::StepState::Done, {}, &e) && journal.setRunState(id, QStringLiteral("failed"), &e);
    if (!ok) {
        *error = e.text();
        return false;
    }
    *runId = id;
    return true;
}

Plan JournalFixture::postgresPlan()
{
    Plan plan;
    plan.engine = Engine::PostgreSQL;
    plan.table = {QStringLiteral("shop"), QStringLiteral("orders")};
    plan.spec.table = plan.table;
    plan.spec.name = QStringLiteral("total_eur");
    PlanStep add;
    add.title = QStringLiteral("Add column total_eur");
    add.sql = {QStringLiteral("ALTER TABLE \"shop\".\"orders\" ADD COLUMN IF NOT EXISTS \"total_eur\" numeric(12,2)")};
    add.rollbackSql = {QStringLiteral("ALTER TABLE \"shop\".\"orders\" DROP COLUMN IF EXISTS \"total_eur\"")};
    plan.steps = {add};
    return plan;
}

PlanOrigin JournalFixture::postgresOrigin()
{
    PlanOrigin origin;
    origin.engine = Engine::PostgreSQL;
    origin.server = QStringLiteral("db.example.com:5432");
    origin.database = QStringLiteral("shop");
    return origin;
}

} // namespace Stagecraft::Testing
