#include "ui/wizard/MethodPage.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QScrollArea>
#include <QSpinBox>
#include <QVBoxLayout>

#include "recon/learned/models/UserModels.h"
#include "ui/wizard/WizardWidgets.h"

namespace trustct::ui {
namespace {

QString methodDescription(ModelKind kind) {
  switch (kind) {
    case ModelKind::ScaleL2O:
      return QObject::tr("Scale_L2O (Pham et al.): linearised ADMM with a learned operator K and prox R, frozen step "
                         "sizes found by Bayesian optimisation; trained by JFB. Certifies its own data-driven "
                         "regulariser.");
    case ModelKind::ImplicitL2O:
      return QObject::tr("Implicit L2O (Heaton & Wu Fung): the same iteration with trainable step sizes; trained "
                         "by JFB.");
    case ModelKind::FFpn:
      return QObject::tr("F-FPN: a feasibility-based fixed-point network with a learned regulariser step; trained "
                         "by JFB.");
    case ModelKind::UNet:
      return QObject::tr("U-Net: a direct post-processing network on the FBP image; supervised training.");
  }
  return {};
}

QDoubleSpinBox* rate(QWidget* parent, const char* name, double value) {
  return namedDoubleSpinBox(parent, name, 6, 0, 1, 1e-4, value);
}

}  // namespace

MethodPage::MethodPage(WizardSession& session, int searchPageId, int trainingPageId, QWidget* parent)
    : QWizardPage(parent), session_(session), searchPageId_(searchPageId), trainingPageId_(trainingPageId) {
  setTitle(tr("2. Method and hyper-parameters"));
  setSubTitle(tr("Defaults are the papers' settings (and those of `trustct-cli train`)."));
  const TrainingOptions o;
  const StepSearchPlan search;
  name_ = new QLineEdit("my-scale-l2o", this);
  name_->setObjectName("modelName");
  method_ = new QComboBox(this);
  method_->setObjectName("method");
  for (ModelKind k : {ModelKind::ScaleL2O, ModelKind::ImplicitL2O, ModelKind::FFpn, ModelKind::UNet})
    method_->addItem(QString::fromStdString(modelDisplayName(k)), int(k));
  methodInfo_ = new QLabel(this);
  methodInfo_->setWordWrap(true);
  epochs_ = namedSpinBox(this, "epochs", 1, 100000, o.epochs);
  batch_ = namedSpinBox(this, "batch", 1, 1024, o.batchSize);
  lr_ = rate(this, "learningRate", o.learningRate);
  lrFinal_ = rate(this, "finalLearningRate", 0);
  trainIterations_ = namedSpinBox(this, "trainIterations", 1, 10000, o.trainIterations);
  channels_ = namedSpinBox(this, "channels", 1, 256, ModelSpec::defaults(ModelKind::ScaleL2O).channels);
  seed_ = namedSpinBox(this, "seed", 0, 999999, int(o.seed));
  search_ = new QCheckBox(tr("Search the step sizes (α, β, λ, s) by Bayesian optimisation first"), this);
  search_->setObjectName("searchSteps");
  search_->setChecked(true);
  trials_ = namedSpinBox(this, "trials", 2, 1000, search.trials);
  initial_ = namedSpinBox(this, "initialTrials", 2, 1000, search.initial);
  trialSteps_ = namedSpinBox(this, "trialSteps", 1, 100000, int(search.trialSteps));
  status_ = new QLabel(this);
  status_->setStyleSheet("color: #c0392b");

  auto* content = new QWidget;
  auto* layout = new QVBoxLayout(content);
  auto* top = new QFormLayout;
  addRow(top, tr("Model name"), name_, tr("Saved as your model 'user:<name>' beside the shipped ones."));
  addRow(top, tr("Method"), method_, QString());
  top->addRow(QString(), methodInfo_);
  layout->addLayout(top);
  auto* training = new QGroupBox(tr("Training"), content);
  auto* form = new QFormLayout(training);
  addRow(form, tr("Epochs"), epochs_, tr("Passes over the training set; validated after each."));
  addRow(form, tr("Batch size"), batch_, tr("Samples per Adam step."));
  addRow(form, tr("Learning rate"), lr_, tr("Adam's step; 1e-3 in the papers."));
  addRow(form, tr("Final learning rate"), lrFinal_, tr("0: constant; otherwise cosine decay to it over all epochs."));
  addRow(form, tr("Training iterations"), trainIterations_,
         tr("Iteration cap of the fixed-point solve while training (JFB) and at inference."));
  addRow(form, tr("Channels"), channels_, tr("Width C of K and R (L2O models): 16 for Scale_L2O, 28 for Implicit L2O."));
  addRow(form, tr("Seed"), seed_, tr("Initial weights and shuffling: the same seed trains the same model."));
  layout->addWidget(training);
  auto* bo = new QGroupBox(tr("Scale_L2O step-size search"), content);
  bo->setObjectName("searchGroup");
  auto* boForm = new QFormLayout(bo);
  boForm->addRow(search_);
  addRow(boForm, tr("Trials"), trials_, tr("Short trainings in total; each scores the validation PSNR."));
  addRow(boForm, tr("Initial design"), initial_, tr("Space-filling (Latin hypercube) trials before the Gaussian process guides."));
  addRow(boForm, tr("Steps per trial"), trialSteps_, tr("Adam steps of each trial on 10 % of the training set."));
  layout->addWidget(bo);
  layout->addWidget(status_);
  layout->addStretch(1);
  auto* scroll = new QScrollArea(this);
  scroll->setWidget(content);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  auto* outer = new QVBoxLayout(this);
  outer->setContentsMargins(0, 0, 0, 0);
  outer->addWidget(scroll);

  connect(method_, &QComboBox::currentIndexChanged, this, &MethodPage::updateMethod);
  connect(search_, &QCheckBox::toggled, this, &MethodPage::updateMethod);
  updateMethod();
}

void MethodPage::addRow(QFormLayout* form, const QString& label, QWidget* field, const QString& explanation) {
  form->addRow(label, field);
  if (explanation.isEmpty()) return;
  auto* note = new QLabel(explanation, field->parentWidget());
  note->setWordWrap(true);
  note->setStyleSheet("color: palette(mid)");
  form->addRow(QString(), note);
}

ModelKind MethodPage::kind() const { return static_cast<ModelKind>(method_->currentData().toInt()); }

void MethodPage::updateMethod() {
  const ModelKind k = kind();
  methodInfo_->setText(methodDescription(k));
  const bool l2o = k == ModelKind::ScaleL2O || k == ModelKind::ImplicitL2O;
  channels_->setEnabled(l2o);
  if (l2o) channels_->setValue(ModelSpec::defaults(k).channels);
  const bool scale = k == ModelKind::ScaleL2O;
  search_->setEnabled(scale);
  for (QSpinBox* s : {trials_, initial_, trialSteps_}) s->setEnabled(scale && search_->isChecked());
  const QString id = QString::fromStdString(modelId(k));
  if (name_->text().startsWith("my-")) name_->setText("my-" + id);
}

bool MethodPage::validatePage() {
  const std::string name = name_->text().trimmed().toStdString();
  try {
    checkUserModelName(name);
  } catch (const std::exception& e) {
    status_->setText(QString::fromStdString(e.what()));
    return false;
  }
  if (initial_->value() > trials_->value()) {
    status_->setText(tr("the initial design cannot have more trials than the search"));
    return false;
  }
  status_->clear();
  session_.name = QString::fromStdString(name);
  TrainingPlan& plan = session_.plan;
  plan.spec = ModelSpec::defaults(kind());
  // As `trustct-cli train`: a JFB model is trained, validated and used at its training iteration cap.
  plan.spec.maxIterations = trainIterations_->value();
  if (channels_->isEnabled()) plan.spec.channels = channels_->value();
  plan.options = TrainingOptions{};
  plan.options.epochs = epochs_->value();
  plan.options.batchSize = batch_->value();
  plan.options.learningRate = lr_->value();
  if (lrFinal_->value() > 0) plan.options.finalLearningRate = lrFinal_->value();
  plan.options.trainIterations = trainIterations_->value();
  plan.options.validationIterations = trainIterations_->value();
  plan.options.seed = static_cast<uint64_t>(seed_->value());
  plan.options.checkpointPath = session_.checkpointFile().toStdString();
  plan.options.checkpointSeconds = 60;
  plan.outDir = session_.workDir().toStdString();
  plan.command = "TrustCT training wizard (" + modelId(kind()) + ", user:" + name + ")";
  plan.options.sessionNote = plan.command;
  session_.searchSteps = kind() == ModelKind::ScaleL2O && search_->isChecked();
  StepSearchPlan& s = session_.search;
  s = StepSearchPlan{};
  s.trials = trials_->value();
  s.initial = initial_->value();
  s.trialSteps = trialSteps_->value();
  s.channels = plan.spec.channels;
  s.trialOptions = plan.options;
  s.trialOptions.checkpointPath.clear();  // trials are throw-away
  s.train = plan.train;
  s.validation = plan.validation;
  s.command = plan.command + " step-size search";
  s.logPath = (session_.workDir() + "/steps.json").toStdString();
  return true;
}

int MethodPage::nextId() const {
  return kind() == ModelKind::ScaleL2O && search_->isChecked() ? searchPageId_ : trainingPageId_;
}

}  // namespace trustct::ui
