#include "viewer/CertificateBadgeBar.h"

#include <QLabel>
#include <QLayout>
#include <QToolButton>
#include <algorithm>

namespace trustct::viewer {

// Lays chips out left to right and wraps to a new line, so a narrow panel keeps every chip readable.
class ChipFlowLayout : public QLayout {
 public:
  explicit ChipFlowLayout(QWidget* parent) : QLayout(parent) {
    setContentsMargins(0, 0, 0, 0);
    setSpacing(4);
  }
  ~ChipFlowLayout() override {
    while (QLayoutItem* item = takeAt(0)) delete item;
  }
  void addItem(QLayoutItem* item) override { items_.append(item); }
  int count() const override { return int(items_.size()); }
  QLayoutItem* itemAt(int i) const override { return items_.value(i); }
  QLayoutItem* takeAt(int i) override { return i >= 0 && i < items_.size() ? items_.takeAt(i) : nullptr; }
  Qt::Orientations expandingDirections() const override { return {}; }
  bool hasHeightForWidth() const override { return true; }
  int heightForWidth(int width) const override {
    return std::max(arrange(QRect(0, 0, width, 0), false), flowHeight(reserved_, width));
  }
  void setReserved(std::vector<QSize> sizes) {
    reserved_ = std::move(sizes);
    invalidate();
  }
  void setGeometry(const QRect& r) override {
    QLayout::setGeometry(r);
    arrange(r, true);
  }
  QSize sizeHint() const override { return minimumSize(); }
  QSize minimumSize() const override {
    QSize s;
    for (const QLayoutItem* i : items_) s = s.expandedTo(i->minimumSize());
    return s;
  }

 private:
  int arrange(const QRect& r, bool apply) const {
    int x = r.x(), y = r.y(), line = 0;
    for (QLayoutItem* i : items_) {
      QSize hint = i->sizeHint();
      if (hint.width() > r.width() && r.width() > 0) {  // a long message wraps instead
        hint.setWidth(r.width());
        if (i->hasHeightForWidth()) hint.setHeight(i->heightForWidth(r.width()));
      }
      if (x + hint.width() > r.right() + 1 && line > 0) {
        x = r.x();
        y += line + spacing();
        line = 0;
      }
      if (apply) i->setGeometry(QRect(QPoint(x, y), hint));
      x += hint.width() + spacing();
      line = std::max(line, hint.height());
    }
    return y + line - r.y();
  }
  // The height chips of these sizes take when flowed into `width` (arrange()'s rule).
  int flowHeight(const std::vector<QSize>& sizes, int width) const {
    int x = 0, y = 0, line = 0;
    for (QSize hint : sizes) {
      if (hint.width() > width && width > 0) hint.setWidth(width);
      if (x + hint.width() > width && line > 0) {
        x = 0;
        y += line + spacing();
        line = 0;
      }
      x += hint.width() + spacing();
      line = std::max(line, hint.height());
    }
    return y + line;
  }
  QList<QLayoutItem*> items_;
  std::vector<QSize> reserved_;
};

BadgeStyle BadgeStyle::of(Label label) {
  switch (label) {
    case Label::Pass: return {QColor(0x00, 0x9E, 0x73), Qt::white, QString::fromUtf8("\u2714"), {}, 9, {}};
    case Label::Warning:
      return {QColor(0xE6, 0x9F, 0x00), QColor(0x1A, 0x1A, 0x1A), QString::fromUtf8("\u25B2"), {}, 9, {}};
    case Label::Fail:
      return {QColor(0xD5, 0x5E, 0x00), Qt::white, QString::fromUtf8("\u2716"), QString::fromUtf8(" \u00B7 fail"), 2,
              Qt::white};
  }
  return {};
}

namespace {
// One style sheet for the bar, parsed once; chips select their colours by their "label" property.
QString barStyle() {
  QString css;
  for (Label l : {Label::Pass, Label::Warning, Label::Fail}) {
    const BadgeStyle s = BadgeStyle::of(l);
    // The outline is drawn inside the same padding box for every label, so chips keep one height.
    const QString border = s.outline.isValid() ? QString("2px solid %1").arg(s.outline.name()) : "2px solid transparent";
    css += QString("QToolButton[label=\"%1\"] { background: %2; color: %3; border: %4; border-radius: %5px;"
                   " padding: 0px 6px; }")
               .arg(QString::fromStdString(labelName(l)), s.background.name(), s.text.name(), border)
               .arg(s.radius);
  }
  return css + "QToolButton[label=\"pass\"]:hover, QToolButton[label=\"warning\"]:hover { border: 2px solid #E5E9F0; }"
               " QToolButton#badge\\:overall { font-weight: bold; }";
}

QString verdictWord(Label l) {
  const std::string v = verdictText(l);
  return QString::fromStdString(v).left(1).toUpper() + QString::fromStdString(v).mid(1);
}
}  // namespace

CertificateBadgeBar::CertificateBadgeBar(QWidget* parent) : QWidget(parent), layout_(new ChipFlowLayout(this)) {
  setStyleSheet(barStyle());
}

void CertificateBadgeBar::reserveFor(const QStringList& propertyTitles) {
  QString verdict;
  for (Label l : {Label::Pass, Label::Warning, Label::Fail})
    if (verdictWord(l).size() > verdict.size()) verdict = verdictWord(l);
  // The widest variant of each chip: a fail's, which adds its word.
  const BadgeStyle widest = BadgeStyle::of(Label::Fail);
  QStringList texts{widest.symbol + " " + verdict};
  for (const QString& title : propertyTitles) texts << widest.chipText(title);
  std::vector<QSize> sizes;
  for (const QString& text : texts) {
    QToolButton probe;
    probe.setObjectName("badge:overall");  // bold: the widest variant
    probe.setStyleSheet(barStyle());
    probe.setProperty("label", QString::fromStdString(labelName(Label::Pass)));
    probe.setText(text);
    probe.ensurePolished();
    sizes.push_back(probe.sizeHint());
  }
  layout_->setReserved(std::move(sizes));
  updateGeometry();
}

void CertificateBadgeBar::clearChips() {
  while (QLayoutItem* item = layout_->takeAt(0)) {
    delete item->widget();
    delete item;
  }
}

void CertificateBadgeBar::clear() { clearChips(); }

void CertificateBadgeBar::setMessage(const QString& text) {
  clearChips();
  auto* label = new QLabel(text, this);
  label->setStyleSheet("color: #9AA3AF;");
  layout_->addWidget(label);
}

void CertificateBadgeBar::setReport(const CertificateReport& report,
                                    const std::function<QString(const std::string&)>& title) {
  clearChips();
  auto* overall = new QToolButton(this);
  const BadgeStyle os = BadgeStyle::of(report.overall);
  overall->setObjectName("badge:overall");
  overall->setProperty("label", QString::fromStdString(labelName(report.overall)));
  overall->setText(os.symbol + " " + verdictWord(report.overall));
  const QString calibration = report.calibration.empty()
                                  ? tr("no calibration")
                                  : tr("calibration %1").arg(QString::fromStdString(report.calibration));
  overall->setToolTip(tr("Overall verdict: the worst label of the certificates (%1) — click for what decided it")
                          .arg(calibration));
  overall->setCursor(Qt::PointingHandCursor);
  connect(overall, &QToolButton::clicked, this, [this] { Q_EMIT badgeClicked("overall"); });
  layout_->addWidget(overall);
  for (const Certificate& c : report.certificates) {
    auto* chip = new QToolButton(this);
    const BadgeStyle s = BadgeStyle::of(c.label);
    const QString property = QString::fromStdString(c.property);
    chip->setObjectName("badge:" + property);
    chip->setProperty("label", QString::fromStdString(labelName(c.label)));
    chip->setText(s.chipText(title(c.property)));
    chip->setToolTip(tr("%1: %2 (value %3, %4th percentile of %5) — click for details")
                         .arg(title(c.property), QString::fromStdString(labelName(c.label)))
                         .arg(c.value, 0, 'g', 4)
                         .arg(100 * c.cdf, 0, 'f', 1)
                         .arg(calibration));
    chip->setCursor(Qt::PointingHandCursor);
    connect(chip, &QToolButton::clicked, this, [this, property] { Q_EMIT badgeClicked(property); });
    layout_->addWidget(chip);
  }
}

}  // namespace trustct::viewer
