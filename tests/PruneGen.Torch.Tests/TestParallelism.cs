using Xunit;

// Many classes here seed libtorch's one global generator (manual_seed) and then draw from it; run in
// parallel, another class's draws can land between a seed and its draw, so a reproducibility check
// fails at random. The whole assembly takes a few seconds, so it runs its classes one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
