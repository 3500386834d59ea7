package main

import "github.com/aiwasm/aiwasm/sdkwrap/plugin"

// Metrics per instance and model: the same counters as an instance's (observe.go), once more
// for each model the instance was asked for, named <metric>_<instance>_model_<model>.
//
// Model names come from clients as often as from the configuration, and every metric name
// lives in Envoy until it restarts. So each worker gives its own metrics to the first
// maxModelsPerInstance models an instance is asked for and counts every later one under
// the model "other". A model is the one the provider was asked for, after model_mapping and
// options, so a mapped configuration never reaches the bound.
const (
	maxModelsPerInstance = 32
	otherModel           = "other"
	maxModelNameLen      = 64 // longer names are cut in metric names (they stay apart by their prefix)
)

// modelMetrics are attemptMetrics without rate_limiting, which leaves an instance out before
// any model is asked.
type modelMetrics = attemptMetrics

// modelMetrics are the metrics of model on rt's instance, defined on first use; nil for no
// model (a model list).
func (rt *instanceRuntime) modelMetrics(root *plugin.Root[Config], model string) *modelMetrics {
	if model == "" {
		return nil
	}
	if m := rt.models[model]; m != nil {
		return m
	}
	name := model
	if len(rt.models) >= maxModelsPerInstance {
		name = otherModel
		if m := rt.models[name]; m != nil {
			return m
		}
	}
	if rt.models == nil {
		rt.models = make(map[string]*modelMetrics)
	}
	m := defineModelMetrics(root, rt.in, name)
	rt.models[name] = m
	return m
}

func defineModelMetrics(root *plugin.Root[Config], in *Instance, model string) *modelMetrics {
	if len(model) > maxModelNameLen {
		model = model[:maxModelNameLen]
	}
	return defineAttemptMetrics(root, "_"+metricName(in.Name)+"_model_"+metricName(model), ClassConnectFailure)
}
