#include "ui/ComparisonSummary.h"

#include <QHeaderView>

#include "ui/MethodPanel.h"
#include "viewer/CertificateBadgeBar.h"

namespace trustct::ui {

ComparisonSummary::ComparisonSummary(QWidget* parent) : QTableWidget(parent) {
  setObjectName("comparisonSummary");
  setColumnCount(5);
  setHorizontalHeaderLabels({tr("Method"), tr("PSNR dB"), tr("SSIM"), tr("Certificates"), tr("Time")});
  verticalHeader()->hide();
  horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  horizontalHeader()->setSectionResizeMode(3, QHeaderView::Stretch);
  setEditTriggers(QAbstractItemView::NoEditTriggers);
  setSelectionMode(QAbstractItemView::NoSelection);
  setFocusPolicy(Qt::NoFocus);
  setShowGrid(false);
  setStyleSheet("QTableWidget { background: #1B1F26; border: 1px solid #2C323C; border-radius: 6px; color: #D8DEE9; }"
                "QHeaderView::section { background: #232831; color: #9AA3AF; border: none; padding: 4px; }");
}

void ComparisonSummary::update(const std::vector<MethodPanel*>& panels) {
  setRowCount(0);
  for (const MethodPanel* p : panels) {
    if (p->state() == MethodPanel::State::Reference) continue;
    const int row = rowCount();
    insertRow(row);
    setItem(row, 0, new QTableWidgetItem(p->title()));
    const auto& r = p->result();
    const auto cell = [&](int column, const QString& text) {
      auto* item = new QTableWidgetItem(text);
      item->setTextAlignment(Qt::AlignCenter);
      setItem(row, column, item);
      return item;
    };
    if (!r) {
      cell(1, "—");
      cell(2, "—");
      cell(3, p->state() == MethodPanel::State::Unavailable ? tr("unavailable") : p->statusText())
          ->setForeground(QColor(0x9A, 0xA3, 0xAF));
      cell(4, "—");
      continue;
    }
    cell(1, r->psnr ? QString::number(*r->psnr, 'f', 2) : "—");
    cell(2, r->ssim ? QString::number(*r->ssim, 'f', 3) : "—");
    if (r->report) {
      const viewer::BadgeStyle s = viewer::BadgeStyle::of(r->report->overall);
      const QString verdict = QString::fromStdString(verdictText(r->report->overall));
      QTableWidgetItem* v = cell(3, s.symbol + " " + verdict.left(1).toUpper() + verdict.mid(1));
      v->setBackground(s.background);
      v->setForeground(s.text);
    } else {
      cell(3, tr("no calibration"));
    }
    cell(4, r->seconds < 1 ? QString("%1 ms").arg(r->seconds * 1000, 0, 'f', 0) : QString("%1 s").arg(r->seconds, 0, 'f', 1));
  }
  resizeRowsToContents();
}

}  // namespace trustct::ui
