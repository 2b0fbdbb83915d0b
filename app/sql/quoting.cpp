#include "quoting.h"

namespace Stagecraft {

static bool usesBackticks(Engine engine)
{
    return engine == Engine::MySQL || engine == Engine::MariaDB;
}

QString quoteIdentifier(Engine engine, const QString &name)
{
    const QChar quote = usesBackticks(engine) ? QLatin1Char('`') : QLatin1Char('"');
    QString quoted = name;
    quoted.replace(quote, QString(2, quote));
    return quote + quoted + quote;
}

QString quoteQualified(Engine engine, const QString &schema, const QString &name)
{
    if (schema.isEmpty())
        return quoteIdentifier(engine, name);
    return quoteIdentifier(engine, schema) + QLatin1Char('.') + quoteIdentifier(engine, name);
}

QString quoteIdentifierList(Engine engine, const QStringList &names)
{
    QStringList quoted;
    for (const QString &n : names)
        quoted << quoteIdentifier(engine, n);
    return quoted.join(QLatin1String(", "));
}

QString quoteLiteral(Engine engine, const QString &value)
{
    QString quoted = value;
    if (usesBackticks(engine))
        quoted.replace(QLatin1Char('\\'), QLatin1String("\\\\"));
    quoted.replace(QLatin1Char('\''), QLatin1String("''"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

} // namespace Stagecraft
