#include "ui/wizard/DataPage.h"

#include <torch/torch.h>

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include "ui/ReconstructionRunner.h"
#include "ui/wizard/WizardJob.h"
#include "ui/wizard/WizardWidgets.h"
#include "viewer/WindowedImage.h"

namespace trustct::ui {
namespace {

constexpr int kPreviewSamples = 4;

// Grey image of a tensor, windowed to its own range (ground truth and sinogram alike).
QPixmap pixmapOf(const torch::Tensor& t, int side) {
  const viewer::ImageBuffer b = imageBufferFrom(t);
  const double lo = t.min().item<double>(), hi = t.max().item<double>();
  const viewer::WindowLevel w{(lo + hi) / 2, std::max(hi - lo, 1e-6)};
  return QPixmap::fromImage(viewer::toQImage(b, w, false).scaled(side, side, Qt::IgnoreAspectRatio, Qt::SmoothTransformation));
}

}  // namespace

DataPage::DataPage(WizardSession& session, QWidget* parent) : QWizardPage(parent), session_(session) {
  setTitle(tr("1. Data"));
  setSubTitle(tr("The images the model learns from. Training and validation samples are simulated on TrustCT's "
                 "geometry (30 views); test images for the model card always come from the held-out Ellipses series."));
  job_ = new WizardJob(this);
  const TrainingPlan defaults;
  source_ = new QComboBox(this);
  source_->setObjectName("dataSource");
  source_->addItem(tr("Random ellipses (the papers' data, exact sinograms)"), int(TrainingSource::Ellipses));
  source_->addItem(tr("LoDoPaB-CT folder or ground_truth_*.hdf5 file"), int(TrainingSource::Lodopab));
  source_->addItem(tr("DICOM CT series folder"), int(TrainingSource::Dicom));
  path_ = new QLineEdit(this);
  path_->setObjectName("dataPath");
  browse_ = new QPushButton(tr("Browse…"), this);
  trainCount_ = namedSpinBox(this, "trainCount", 1, 1000000, int(defaults.train.count));
  valCount_ = namedSpinBox(this, "validationCount", 1, 100000, 32);
  trainSeed_ = namedSpinBox(this, "trainSeed", 0, 999999, int(defaults.train.seed));
  valSeed_ = namedSpinBox(this, "validationSeed", 0, 999999, 2);
  noise_ = namedDoubleSpinBox(this, "noise", 4, 0, 0.5, 0.005, defaults.train.noise);
  auto* previewButton = new QPushButton(tr("Preview samples"), this);
  previewButton->setObjectName("previewButton");
  status_ = new QLabel(this);
  status_->setWordWrap(true);

  auto* form = new QFormLayout;
  form->addRow(tr("Source"), source_);
  auto* pathRow = new QHBoxLayout;
  pathRow->addWidget(path_, 1);
  pathRow->addWidget(browse_);
  form->addRow(tr("Folder or file"), pathRow);
  form->addRow(tr("Training samples"), trainCount_);
  form->addRow(tr("Validation samples"), valCount_);
  form->addRow(tr("Training seed"), trainSeed_);
  form->addRow(tr("Validation seed"), valSeed_);
  form->addRow(tr("Noise (relative Gaussian σ)"), noise_);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  auto* hint = new QLabel(tr("Ellipses: the seeds choose the phantoms (seeds 1000–1999 are the test series and "
                             "refused). Folders: training uses the first samples, validation the ones after them; "
                             "the seeds only choose the noise."),
                          this);
  hint->setWordWrap(true);
  layout->addWidget(hint);
  auto* previewRow = new QHBoxLayout;
  previewRow->addWidget(previewButton);
  previewRow->addWidget(status_, 1);
  layout->addLayout(previewRow);
  previewGrid_ = new QGridLayout;
  layout->addLayout(previewGrid_);
  layout->addStretch(1);

  connect(source_, &QComboBox::currentIndexChanged, this, &DataPage::updateSource);
  connect(path_, &QLineEdit::textChanged, this, &QWizardPage::completeChanged);
  connect(browse_, &QPushButton::clicked, this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Data folder"), path_->text());
    if (!dir.isEmpty()) path_->setText(dir);
  });
  connect(previewButton, &QPushButton::clicked, this, &DataPage::showPreview);
  connect(job_, &WizardJob::failed, this, [this](const QString& message) { status_->setText(message); });
  updateSource();
}

void DataPage::updateSource() {
  const bool folder = source_->currentData().toInt() != int(TrainingSource::Ellipses);
  path_->setEnabled(folder);
  browse_->setEnabled(folder);
  Q_EMIT completeChanged();
}

TrainingDataSpec DataPage::trainSpec() const {
  TrainingDataSpec d;
  d.source = static_cast<TrainingSource>(source_->currentData().toInt());
  d.path = path_->text().toStdString();
  d.count = trainCount_->value();
  d.seed = static_cast<uint64_t>(trainSeed_->value());
  d.noise = noise_->value();
  return d;
}

TrainingDataSpec DataPage::validationSpec() const {
  TrainingDataSpec d = trainSpec();
  if (d.source != TrainingSource::Ellipses) d.first = d.count;  // the samples after the training ones
  d.count = valCount_->value();
  d.seed = static_cast<uint64_t>(valSeed_->value());
  return d;
}

bool DataPage::isComplete() const {
  return source_->currentData().toInt() == int(TrainingSource::Ellipses) || !path_->text().trimmed().isEmpty();
}

bool DataPage::validatePage() {
  const bool ellipses = source_->currentData().toInt() == int(TrainingSource::Ellipses);
  QString problem;
  for (const QSpinBox* s : {trainSeed_, valSeed_})
    if (ellipses && isTestSeed(s->value())) problem = tr("seed %1 is in the test series 1000–1999; pick another").arg(s->value());
  if (ellipses && trainSeed_->value() == valSeed_->value()) problem = tr("training and validation seeds must differ");
  status_->setText(problem);
  if (!problem.isEmpty()) return false;
  session_.plan.train = trainSpec();
  session_.plan.validation = validationSpec();
  session_.plan.testNoise = noise_->value();
  return true;
}

void DataPage::showPreview() {
  const TrainingDataSpec spec = trainSpec();
  const std::shared_ptr<const RadonOperator> op = session_.env.op;
  status_->setText(tr("Loading samples…"));
  job_->start("preview", [this, spec, op](JobContext& ctx) {
    const std::unique_ptr<Dataset> data = spec.open(op);
    const int64_t n = std::min<int64_t>(kPreviewSamples, data->size());
    for (int64_t i = 0; i < n; ++i) {
      ctx.throwIfCancelled();
      const Sample s = data->get(i);
      const QString name = QString::fromStdString(s.name);
      const torch::Tensor image = s.image.defined() ? s.image.clone() : torch::Tensor();
      const torch::Tensor sinogram = s.sinogram.clone();
      const QString total = QString::number(data->size());
      job_->post([this, i, name, image, sinogram, total] {
        auto* picture = new QLabel(this);
        if (image.defined()) picture->setPixmap(pixmapOf(image, 128));
        auto* sino = new QLabel(this);
        sino->setPixmap(pixmapOf(sinogram, 128));
        picture->setToolTip(name);
        previewGrid_->addWidget(picture, 0, int(i));
        previewGrid_->addWidget(sino, 1, int(i));
        previewShown_ = int(i) + 1;
        status_->setText(tr("%1 samples available; showing ground truth (top) and noisy sinogram (bottom)").arg(total));
        if (previewShown_ == std::min<int>(kPreviewSamples, total.toInt())) Q_EMIT previewShown();
      });
    }
  });
  // A new preview replaces the old one.
  while (QLayoutItem* item = previewGrid_->takeAt(0)) {
    delete item->widget();
    delete item;
  }
  previewShown_ = 0;
}

}  // namespace trustct::ui
