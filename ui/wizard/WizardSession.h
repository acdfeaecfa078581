#pragma once
// What the wizard's pages decide and produce, handed from page to page: the data, the model and its
// training plan, the searched step sizes, the trained model's folder and its calibration.
#include <QString>
#include <optional>

#include "certs/CertificateCalibration.h"
#include "recon/learned/training/ModelTraining.h"
#include "recon/learned/training/StepSizeSearch.h"
#include "recon/methods/ReconstructionMethod.h"

namespace trustct::ui {

struct WizardSession {
  ReconstructionEnvironment env;
  QString modelsRoot;    // the user's model folder (published models)
  QString trainingRoot;  // working folders of trainings in progress (checkpoints)

  QString name;                 // the model's name: method user:<name>
  TrainingPlan plan;            // data (train, validation), spec, options, out dir
  bool searchSteps = false;     // Scale_L2O: run the Bayesian step-size search first
  StepSearchPlan search;
  std::optional<ConvL2ONetImpl::Steps> foundSteps;
  std::optional<CertificateCalibration> calibration;

  QString workDir() const { return trainingRoot + "/" + name; }
  QString calibrationFile() const { return workDir() + "/calibration.json"; }
  QString checkpointFile() const { return workDir() + "/checkpoint.pt"; }
};

}  // namespace trustct::ui
