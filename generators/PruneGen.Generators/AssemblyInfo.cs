using System.Runtime.CompilerServices;

// The tests check the descriptor table and the model types directly.
[assembly: InternalsVisibleTo("PruneGen.Generators.Tests")]
