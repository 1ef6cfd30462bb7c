namespace Vigil.Core.Tests;

/// <summary>
/// Tests that measure process-wide memory (GC.GetTotalMemory) run in this collection, which xUnit runs on its own:
/// with other classes allocating in parallel the heap difference is meaningless (it was once seen negative).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MeasuredAlone
{
    public const string Name = "measured alone";
}
