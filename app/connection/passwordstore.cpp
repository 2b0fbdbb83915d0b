#include "passwordstore.h"

#include <qt6keychain/keychain.h>

namespace Stagecraft {

using namespace Qt::StringLiterals;

static const QString Service = u"Stagecraft"_s;

PasswordStore::PasswordStore(QObject *parent)
    : QObject(parent)
{
}

// A keychain failure as the user should read it.
static QString explain(const QKeychain::Job *job, const QString &what)
{
    switch (job->error()) {
    case QKeychain::NoError:
    case QKeychain::EntryNotFound:
        return {};
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
        return u"No keychain service is running (such as GNOME Keyring or KWallet), so the password could not be "
               "%1: enter it each time you connect."_s.arg(what);
    case QKeychain::AccessDeniedByUser:
    case QKeychain::AccessDenied:
        return u"The keychain refused access, so the password could not be %1: enter it each time you connect."_s.arg(what);
    default:
        // Typically no session bus or no Secret Service on it: libsecret says "Could not connect".
        return u"The system keychain could not be reached (%1), so the password could not be %2: enter it each time "
               "you connect."_s.arg(job->errorString(), what);
    }
}

void PasswordStore::read(const QString &key)
{
    auto *job = new QKeychain::ReadPasswordJob(Service, this);
    job->setKey(key);
    job->setInsecureFallback(false);
    connect(job, &QKeychain::Job::finished, this, [this, key](QKeychain::Job *done) {
        auto *readJob = static_cast<QKeychain::ReadPasswordJob *>(done);
        const bool found = readJob->error() == QKeychain::NoError;
        Q_EMIT passwordRead(key, found, found ? readJob->textData() : QString(), explain(done, u"read"_s));
    });
    job->start();
}

void PasswordStore::write(const QString &key, const QString &password)
{
    auto *job = new QKeychain::WritePasswordJob(Service, this);
    job->setKey(key);
    job->setInsecureFallback(false);
    job->setTextData(password);
    connect(job, &QKeychain::Job::finished, this,
            [this, key](QKeychain::Job *done) { Q_EMIT passwordWritten(key, explain(done, u"saved"_s)); });
    job->start();
}

void PasswordStore::remove(const QString &key)
{
    auto *job = new QKeychain::DeletePasswordJob(Service, this);
    job->setKey(key);
    job->setInsecureFallback(false);
    connect(job, &QKeychain::Job::finished, this,
            [this, key](QKeychain::Job *done) { Q_EMIT passwordRemoved(key, explain(done, u"removed"_s)); });
    job->start();
}

} // namespace Stagecraft
