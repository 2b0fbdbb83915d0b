#pragma once

#include "connection/connectionprofile.h"

#include <QPlainTextEdit>

#include <memory>

namespace KSyntaxHighlighting {
class Repository;
class SyntaxHighlighter;
}

namespace Stagecraft {

// Read-only SQL, highlighted with KSyntaxHighlighting using the engine's own definition and a
// theme that follows the palette (light or dark).
class SqlPreview : public QPlainTextEdit
{
    Q_OBJECT
public:
    explicit SqlPreview(QWidget *parent = nullptr);
    ~SqlPreview() override;

    void setSql(const QString &sql, Engine engine);
    // The KSyntaxHighlighting definition used for an engine: "SQL (PostgreSQL)", "SQL (MySQL)" or "SQL".
    [[nodiscard]] static QString definitionName(Engine engine);
    [[nodiscard]] QString currentDefinitionName() const;
    [[nodiscard]] QString themeName() const;

protected:
    void changeEvent(QEvent *event) override;

private:
    void applyTheme();

    std::unique_ptr<KSyntaxHighlighting::Repository> m_repository;
    KSyntaxHighlighting::SyntaxHighlighter *m_highlighter = nullptr;
};

} // namespace Stagecraft
