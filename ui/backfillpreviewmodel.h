#pragma once

#include "plan/backfillpreview.h"

#include <QAbstractTableModel>

namespace Stagecraft {

// The backfill preview as a table: one row per sampled row, its key and the columns the expression
// reads, then the value the new column gets. NULL is shown as NULL, in italics and dimmed, never as
// an empty cell (an empty string stays empty).
class BackfillPreviewModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    explicit BackfillPreviewModel(QObject *parent = nullptr);

    void setPreview(const BackfillPreviewResult &preview);
    [[nodiscard]] const BackfillPreviewResult &preview() const { return m_preview; }
    // The column that holds the new value.
    [[nodiscard]] int valueColumn() const { return int(m_preview.columns.size()); }

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    BackfillPreviewResult m_preview;
};

} // namespace Stagecraft
