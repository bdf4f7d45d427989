using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using PruneGen.Torch.Modules;
using PruneGen.Torch.Serialization;
using Parameter = PruneGen.Torch.torch.nn.Parameter;

namespace PruneGen.Torch;

public static partial class torch
{
    public static partial class optim
    {
        public abstract partial class Optimizer
        {
            /// <summary>
            /// A snapshot of an optimizer: each group's hyperparameters and parameter count, and each
            /// parameter's state (in group order). It owns its tensors; dispose it when done.
            /// </summary>
            public sealed class StateDictionary : IDisposable
            {
                internal StateDictionary(string optimizer) => OptimizerName = optimizer;

                /// <summary>The optimizer type the snapshot was taken from (e.g. "SGD").</summary>
                public string OptimizerName { get; }

                /// <summary>Hyperparameters, one record per parameter group.</summary>
                public List<OptimizerOptions> Options { get; } = new();

                /// <summary>Number of parameters in each group.</summary>
                public List<int> ParameterCounts { get; } = new();

                /// <summary>Per-parameter state by PyTorch's names; an empty dictionary means no state yet.</summary>
                public List<IReadOnlyDictionary<string, Tensor>> State { get; } = new();

                public void Dispose()
                {
                    foreach (var state in State)
                    {
                        foreach (Tensor t in state.Values) t.Dispose();
                    }
                    State.Clear();
                }
            }

            /// <summary>Takes a snapshot of hyperparameters and state (copies; later steps do not change it).</summary>
            public StateDictionary state_dict()
            {
                var dict = new StateDictionary(GetType().Name);
                foreach (ParamGroup group in _parameter_groups)
                {
                    dict.Options.Add(group.Options.Clone());
                    dict.ParameterCounts.Add(group.ParameterList.Count);
                    foreach (Parameter p in group.ParameterList) dict.State.Add(GetState(p));
                }
                return dict;
            }

            /// <summary>
            /// Restores hyperparameters and state from a snapshot of an optimizer of the same type with the
            /// same group sizes and parameter shapes. Everything is checked before anything changes.
            /// </summary>
            public void load_state_dict(StateDictionary state_dict)
            {
                ArgumentNullException.ThrowIfNull(state_dict);
                if (state_dict.OptimizerName != GetType().Name)
                    throw new ArgumentException($"the state dictionary belongs to a {state_dict.OptimizerName} optimizer, not {GetType().Name}", nameof(state_dict));
                if (state_dict.Options.Count != _parameter_groups.Count || state_dict.ParameterCounts.Count != _parameter_groups.Count)
                    throw new ArgumentException($"the state dictionary has {state_dict.Options.Count} parameter groups but the optimizer has {_parameter_groups.Count}", nameof(state_dict));
                var parameters = new List<Parameter>();
                for (int g = 0; g < _parameter_groups.Count; g++)
                {
                    int count = _parameter_groups[g].ParameterList.Count;
                    if (state_dict.ParameterCounts[g] != count)
                        throw new ArgumentException($"parameter group {g} has {count} parameters but the state dictionary's has {state_dict.ParameterCounts[g]}", nameof(state_dict));
                    if (state_dict.Options[g].GetType() != _defaults.GetType())
                        throw new ArgumentException($"parameter group {g}: the state dictionary holds {state_dict.Options[g].GetType().Name} options, not {_defaults.GetType().Name}", nameof(state_dict));
                    parameters.AddRange(_parameter_groups[g].ParameterList);
                }
                if (state_dict.State.Count != parameters.Count)
                    throw new ArgumentException($"the state dictionary holds state for {state_dict.State.Count} parameters but the optimizer has {parameters.Count}", nameof(state_dict));
                for (int i = 0; i < parameters.Count; i++) ValidateState(parameters[i], state_dict.State[i], $"parameter {i}: ");
                for (int g = 0; g < _parameter_groups.Count; g++)
                {
                    OptimizerOptions copy = state_dict.Options[g].Clone();
                    ValidateOptions(copy, g);
                    _parameter_groups[g].Options.LoadStateDict(copy);
                }
                for (int i = 0; i < parameters.Count; i++) SetState(parameters[i], state_dict.State[i]);
            }

            private const string StateFileFormat = "prunegen.optimizer/1";

            /// <summary>
            /// Saves hyperparameters and state as a safetensors file: tensors "state.{i}.{name}" for the
            /// i-th parameter (group order) and PyTorch-style "param_groups" JSON in the metadata.
            /// </summary>
            public void save_state_dict(string location)
            {
                using StateDictionary dict = state_dict();
                var tensors = new List<KeyValuePair<string, Tensor>>();
                for (int i = 0; i < dict.State.Count; i++)
                {
                    foreach ((string key, Tensor value) in dict.State[i])
                        tensors.Add(KeyValuePair.Create(string.Create(CultureInfo.InvariantCulture, $"state.{i}.{key}"), value));
                }
                var groups = new JsonArray();
                int first = 0;
                for (int g = 0; g < dict.Options.Count; g++)
                {
                    var json = new JsonObject();
                    dict.Options[g].WriteJson(json);
                    json["params"] = new JsonArray(Enumerable.Range(first, dict.ParameterCounts[g]).Select(i => (JsonNode)i).ToArray());
                    first += dict.ParameterCounts[g];
                    groups.Add(json);
                }
                var metadata = new Dictionary<string, string>
                {
                    ["format"] = StateFileFormat,
                    ["optimizer"] = dict.OptimizerName,
                    ["param_groups"] = groups.ToJsonString(),
                };
                Safetensors.Save(location, tensors, metadata);
            }

            /// <summary>Loads what <see cref="save_state_dict(string)"/> wrote, with the checks of <see cref="load_state_dict(StateDictionary)"/>.</summary>
            public void load_state_dict(string location)
            {
                using SafetensorsContent content = Safetensors.Load(location);
                using StateDictionary dict = ReadStateFile(content, location);
                load_state_dict(dict);
            }

            private StateDictionary ReadStateFile(SafetensorsContent content, string location)
            {
                InvalidDataException Bad(string problem) => new($"'{location}' is not a usable optimizer state file: {problem}");

                if (!content.Metadata.TryGetValue("format", out string? format) || format != StateFileFormat)
                    throw Bad($"its metadata 'format' is '{format ?? "(missing)"}', expected '{StateFileFormat}'");
                if (!content.Metadata.TryGetValue("optimizer", out string? optimizer)) throw Bad("its metadata has no 'optimizer'");
                if (!content.Metadata.TryGetValue("param_groups", out string? groupsText)) throw Bad("its metadata has no 'param_groups'");

                var dict = new StateDictionary(optimizer);
                try
                {
                    JsonArray groups;
                    try
                    {
                        groups = JsonNode.Parse(groupsText) as JsonArray ?? throw Bad("'param_groups' is not a JSON array");
                    }
                    catch (JsonException e)
                    {
                        throw Bad($"'param_groups' is not valid JSON: {e.Message}");
                    }
                    int expectedIndex = 0;
                    for (int g = 0; g < groups.Count; g++)
                    {
                        if (groups[g] is not JsonObject json) throw Bad($"parameter group {g} is not a JSON object");
                        OptimizerOptions options = CreateOptions();
                        try
                        {
                            options.ReadJson(json);
                        }
                        catch (InvalidDataException e)
                        {
                            throw Bad($"parameter group {g}: {e.Message}");
                        }
                        if (json["params"] is not JsonArray ids) throw Bad($"parameter group {g} has no 'params' list");
                        foreach (JsonNode? id in ids)
                        {
                            if (id is not JsonValue v || !v.TryGetValue(out int index) || index != expectedIndex)
                                throw Bad($"parameter group {g}: expected parameter index {expectedIndex}, found {id?.ToJsonString() ?? "null"}");
                            expectedIndex++;
                        }
                        dict.Options.Add(options);
                        dict.ParameterCounts.Add(ids.Count);
                    }

                    var states = Enumerable.Range(0, expectedIndex).Select(_ => new Dictionary<string, Tensor>()).ToList();
                    dict.State.AddRange(states); // from here on the snapshot owns (and on failure disposes) what is moved into it
                    foreach (string name in content.Tensors.Keys.ToList())
                    {
                        string[] parts = name.Split('.', 3);
                        if (parts.Length != 3 || parts[0] != "state" || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int index))
                            throw Bad($"unexpected tensor '{name}' (expected state.<index>.<name>)");
                        if (index >= states.Count) throw Bad($"tensor '{name}' refers to parameter {index}, but the groups list only {states.Count}");
                        content.Tensors.Remove(name, out Tensor? tensor);
                        states[index][parts[2]] = tensor!;
                    }
                    return dict;
                }
                catch
                {
                    dict.Dispose();
                    throw;
                }
            }
        }
    }
}
