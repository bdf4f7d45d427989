namespace PruneGen.Torch;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>How a loss reduces its per-element values; the values equal at::Reduction's.</summary>
        public enum Reduction : long
        {
            None = 0,
            Mean = 1,
            Sum = 2,
        }
    }
}
