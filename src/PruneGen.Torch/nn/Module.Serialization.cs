using PruneGen.Torch.Serialization;

namespace PruneGen.Torch;

public static partial class torch
{
    public static partial class nn
    {
        public partial class Module
        {
            /// <summary>
            /// Saves the state dict (parameters and persistent buffers, by dotted name) as a safetensors
            /// file, readable by Python's safetensors. The write is atomic: a crash never leaves a partial file.
            /// </summary>
            /// <param name="location">The file to write.</param>
            /// <param name="skip">State dict keys to leave out.</param>
            /// <param name="metadata">Strings stored in the file's "__metadata__".</param>
            public Module save(string location, IList<string>? skip = null, IReadOnlyDictionary<string, string>? metadata = null)
            {
                ArgumentException.ThrowIfNullOrEmpty(location);
                var entries = state_dict().Where(kv => skip is null || !skip.Contains(kv.Key));
                Safetensors.Save(location, entries, metadata);
                return this;
            }

            /// <summary>
            /// Loads parameters and persistent buffers from a safetensors file written by
            /// <see cref="save"/> (or by PyTorch tooling with the same names). Shapes and element types
            /// must match; with <paramref name="strict"/> the names must match exactly. Nothing is changed
            /// unless everything fits, and the error names the file and every offending entry.
            /// </summary>
            /// <param name="location">The file to read.</param>
            /// <param name="strict">Fail on missing or unexpected names (default true).</param>
            /// <param name="skip">State dict keys to ignore.</param>
            public Module load(string location, bool strict = true, IList<string>? skip = null)
            {
                ArgumentException.ThrowIfNullOrEmpty(location);
                using SafetensorsContent content = Safetensors.Load(location);
                var source = new Dictionary<string, Tensor>(content.Tensors, StringComparer.Ordinal);
                try
                {
                    load_state_dict(source, strict, skip);
                }
                catch (ArgumentException e)
                {
                    // Drop the " (Parameter 'source')" suffix: the file, not an argument, is at fault here.
                    string problem = e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "");
                    throw new InvalidDataException($"checkpoint '{location}' does not fit {GetName()}: {problem}", e);
                }
                return this;
            }
        }
    }
}
