#include "backfillpreview.h"

#include "backfill.h"
#include "expressioneffects.h"

#include "catalog/catalogreader.h"
#include "connection/databaseconnection.h"
#include "connection/readonlyquery.h"
#include "sql/quoting.h"
#include "sql/sqlfragment.h"

#include <QRegularExpression>
#include <QSqlError>
#include <QSqlRecord>

namespace Stagecraft {

namespace {

QString firstLine(const QString &message)
{
    return message.trimmed().section(QLatin1Char('\n'), 0, 0).remove(QRegularExpression(QStringLiteral("^ERROR:\\s*")))
        .remove(QRegularExpression(QStringLiteral("\\s*Q(PSQL|MYSQL|SQLITE)[^:]*:.*$")));
}

} // namespace

QString BackfillPreview::mySqlCastTarget(Engine engine, const QString &type)
{
    static const QRegularExpression re(QStringLiteral("^\\s*([A-Za-z]+(?:\\s+(?!unsigned\\b)[A-Za-z]+)?)\\s*(\\(\\s*\\d+\\s*(?:,\\s*\\d+\\s*)?\\))?\\s*(unsigned)?\\s*$"),
                                       QRegularExpression::CaseInsensitiveOption);
    const auto m = re.match(type);
    if (!m.hasMatch())
        return {};
    const QString base = m.captured(1).toLower();
    const QString parameters = m.captured(2).remove(QLatin1Char(' '));
    const bool isUnsigned = !m.captured(3).isEmpty();
    if (base == QLatin1String("tinyint") || base == QLatin1String("smallint") || base == QLatin1String("mediumint")
        || base == QLatin1String("int") || base == QLatin1String("integer") || base == QLatin1String("bigint"))
        return isUnsigned ? QStringLiteral("UNSIGNED") : QStringLiteral("SIGNED");
    if (base == QLatin1String("decimal") || base == QLatin1String("numeric") || base == QLatin1String("dec"))
        return QStringLiteral("DECIMAL") + parameters;
    if (base == QLatin1String("varchar") || base == QLatin1String("char") || base == QLatin1String("text")
        || base == QLatin1String("tinytext") || base == QLatin1String("mediumtext") || base == QLatin1String("longtext"))
        return QStringLiteral("CHAR") + parameters;
    if (base == QLatin1String("date") || (base == QLatin1String("year") && engine == Engine::MySQL))
        return base.toUpper();
    if (base == QLatin1String("datetime") || base == QLatin1String("time"))
        return base.toUpper() + parameters;
    if (base == QLatin1String("double") || base == QLatin1String("double precision") || base == QLatin1String("real"))
        return QStringLiteral("DOUBLE");
    if (base == QLatin1String("float") && parameters.isEmpty())
        return QStringLiteral("FLOAT");
    if (base == QLatin1String("json") && engine == Engine::MySQL)
        return QStringLiteral("JSON");
    return {};
}

QString BackfillPreview::sql(Engine engine, const ColumnSpec &spec, const QStringList &columns, const QStringList &keys, int rows)
{
    const QString value = Backfill::valueForExistingRows(engine, spec);
    QString shown = QStringLiteral("(%1)").arg(value);
    if (engine == Engine::PostgreSQL) {
        shown = QStringLiteral("CAST((%1) AS %2)").arg(value, spec.type);
    } else if (engine == Engine::MySQL || engine == Engine::MariaDB) {
        if (const QString target = mySqlCastTarget(engine, spec.type); !target.isEmpty())
            shown = QStringLiteral("CAST((%1) AS %2)").arg(value, target);
    }
    QStringList select;
    for (const QString &c : columns)
        select << quoteIdentifier(engine, c);
    select << shown;
    QStringList order;
    for (const QString &k : keys)
        order << quoteIdentifier(engine, k);
    const QString table = engine == Engine::SQLite ? quoteIdentifier(engine, spec.table.name)
                                                   : quoteQualified(engine, spec.table.schema, spec.table.name);
    return QStringLiteral("SELECT %1 FROM %2%3 LIMIT %4")
        .arg(select.join(QLatin1String(", ")), table,
             order.isEmpty() ? QString() : QStringLiteral(" ORDER BY ") + order.join(QLatin1String(", ")),
             QString::number(rows)); // one pass: a % in the expression is never taken for a placeholder
}

BackfillPreviewResult BackfillPreview::run(DatabaseConnection &connection, const ColumnSpec &spec, const TableDetails &table, int rows)
{
    const Engine e = connection.engine();
    BackfillPreviewResult result;
    result.expression = Backfill::valueForExistingRows(e, spec);
    result.valueColumn = spec.name;
    if (result.expression.isEmpty())
        return result;
    const bool fromBackfill = !spec.backfill.isEmpty();
    const bool expression = fromBackfill || spec.defaultKind == ColumnSpec::DefaultKind::Expression;
    const QString text = fromBackfill ? spec.backfill : spec.defaultValue;
    QString why;
    if (expression && !SqlFragment::check(e, text, &why)) {
        result.state = BackfillPreviewResult::State::NotRun;
        result.message = QStringLiteral("Not previewed: %1.").arg(why);
        return result;
    }
    if (spec.type.trimmed().isEmpty() || !SqlFragment::check(e, spec.type, &why)) {
        result.state = BackfillPreviewResult::State::NotRun;
        result.message = QStringLiteral("Not previewed: give the column's type first.");
        return result;
    }
    if (expression) {
        // What it calls, from the catalog and its text, never by running it: a side effect is never
        // previewed, accepted or not (a preview must not move a sequence or take a lock).
        ExpressionCalls calls;
        ConnectionError error;
        const auto place = fromBackfill ? CatalogReader::ExpressionPlace::Backfill : CatalogReader::ExpressionPlace::Default;
        if (!CatalogReader::create(connection)->functionsCalled(place, text, spec.type, spec.table, spec.name, &calls, &error)) {
            result.state = BackfillPreviewResult::State::Failed;
            result.message = error.serverMessage.isEmpty() ? error.explanation : firstLine(error.serverMessage);
            return result;
        }
        const QList<SideEffect> effects = ExpressionEffects::judge(e, fromBackfill ? QStringLiteral("backfill") : QStringLiteral("default"), calls);
        QStringList what;
        for (const SideEffect &s : effects)
            what << QStringLiteral("%1 (it %2)").arg(s.function, s.effect);
        // A sequence the column would own is no side effect to the plan (a serial column's own), but
        // a preview would still use up its values: it is not evaluated either.
        for (const NamedSequence &sequence : std::as_const(calls.sequences)) {
            if (effects.isEmpty())
                what << QStringLiteral("sequence %1").arg(sequence.name);
        }
        if (!what.isEmpty()) {
            result.state = BackfillPreviewResult::State::NotRun;
            result.message = QStringLiteral("Not previewed: it calls %1, and a preview never runs a side effect.")
                                 .arg(what.join(QLatin1String(", ")));
            return result;
        }
    }
    // The rows: their primary key, then the columns the expression reads.
    QStringList all;
    for (const ColumnInfo &c : table.columns)
        all << c.name;
    const QStringList keys = table.primaryKey();
    result.columns = keys;
    result.keyColumns = int(keys.size());
    if (expression) {
        for (const QString &c : SqlFragment::columnsRead(e, text, spec.table.name, all)) {
            if (!result.columns.contains(c))
                result.columns << c;
        }
    }
    const bool cast = e == Engine::PostgreSQL || ((e == Engine::MySQL || e == Engine::MariaDB) && !mySqlCastTarget(e, spec.type).isEmpty());
    result.type = cast ? spec.type : QString();

    ReadOnlyQuery query(connection, TimeoutMs);
    if (!query.begin() || !query.exec(sql(e, spec, result.columns, keys, rows))) {
        result.state = BackfillPreviewResult::State::Failed;
        result.message = query.timedOut()
            ? QStringLiteral("Not previewed: %1 rows took longer than %2 s (the preview's statement timeout).")
                  .arg(rows).arg(QString::number(TimeoutMs / 1000.0))
            : firstLine(query.query().lastError().databaseText().isEmpty() ? query.query().lastError().text()
                                                                           : query.query().lastError().databaseText());
        return result;
    }
    QSqlQuery &q = query.query();
    const int width = int(result.columns.size()) + 1;
    while (q.next()) {
        QVariantList row;
        for (int i = 0; i < width; ++i)
            row << (q.isNull(i) ? QVariant() : q.value(i));
        result.rows << row;
    }
    result.state = BackfillPreviewResult::State::Done;
    return result;
}

} // namespace Stagecraft
