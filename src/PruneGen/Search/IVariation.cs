namespace PruneGen.Search;

/// <summary>
/// Recombines two parents into two children. The children must be new objects: the engine keeps the
/// parents (elitism), so an operator that returns or mutates a parent corrupts the population.
/// </summary>
public interface ICrossover<TGenome>
{
    (TGenome First, TGenome Second) Cross(TGenome first, TGenome second, SearchRandom random);
}

/// <summary>Perturbs a freshly made child in place (the engine never passes a genome it still holds elsewhere).</summary>
public interface IMutation<TGenome>
{
    void Mutate(TGenome genome, SearchRandom random);
}

/// <summary>
/// Draws the initial population one genome at a time. The index lets an initialiser treat particular
/// slots specially, e.g. EMO puts the unpruned (all-ones) mask at index 0.
/// </summary>
public interface IPopulationInitializer<TGenome>
{
    TGenome Create(int index, SearchRandom random);
}
