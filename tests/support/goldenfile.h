#pragma once

#include <QString>
#include <QTest>

namespace Stagecraft::Testing {

// Expected output kept in files (tests/golden): scripts/update-golden writes them again from the
// code (STAGECRAFT_UPDATE_GOLDEN set), a test compares against them otherwise.
class GoldenFile
{
public:
    // Writes actual to path when STAGECRAFT_UPDATE_GOLDEN is set (*written true). Otherwise
    // compares line by line: empty when equal, else where they first differ.
    [[nodiscard]] static QString check(const QString &actual, const QString &path, bool *written);
};

} // namespace Stagecraft::Testing

// In a test function: actual against the golden file at path (or written to it).
#define STAGECRAFT_COMPARE_GOLDEN(actual, path)                                                                      \
    do {                                                                                                             \
        bool stagecraftWritten_ = false;                                                                             \
        const QString stagecraftDiff_ = Stagecraft::Testing::GoldenFile::check((actual), (path), &stagecraftWritten_); \
        if (stagecraftWritten_)                                                                                      \
            QSKIP("golden file written");                                                                            \
        QVERIFY2(stagecraftDiff_.isEmpty(), qPrintable(stagecraftDiff_));                                            \
    } while (false)
