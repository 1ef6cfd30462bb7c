using System.Reflection;
using Vigil.Core.Store;

namespace Vigil.Server.Tests.Infrastructure;

/// <summary>
/// The real store with a hook before every <see cref="IVigilStore.ApplyAsync"/>: a test makes a commit fail (a full
/// disk, a dropped connection) or holds it back to interleave another write, on real SQLite or PostgreSQL.
/// </summary>
public class InterceptedStore : DispatchProxy
{
    private IVigilStore _inner = null!;

    /// <summary>Runs before each commit; throwing fails it, awaiting delays it.</summary>
    public Func<IReadOnlyList<ChangeSet>, Task>? BeforeApply { get; set; }

    /// <summary>Reads (by method name, e.g. ListLogSourcesAsync) that fail as if storage were unreachable.</summary>
    public HashSet<string> FailingReads { get; } = [];

    /// <summary>Reads that fail when this answers true for their method name and arguments (e.g. one schedule's overrides).</summary>
    public Func<string, object?[], bool>? FailsRead { get; set; }

    public static (IVigilStore Store, InterceptedStore Hook) Wrap(IVigilStore inner)
    {
        var store = Create<IVigilStore, InterceptedStore>();
        var hook = (InterceptedStore)(object)store;
        hook._inner = inner;
        return (store, hook);
    }

    protected override object? Invoke(MethodInfo? method, object?[]? args)
    {
        if (method!.Name == nameof(IVigilStore.ApplyAsync) && BeforeApply is { } before)
        {
            return ApplyAfter(before, (IReadOnlyList<ChangeSet>)args![0]!, (CancellationToken)args[1]!);
        }
        if (FailingReads.Contains(method.Name) || FailsRead?.Invoke(method.Name, args ?? []) == true)
        {
            throw new IOException($"{method.Name}: storage unreachable (simulated)");
        }
        try
        {
            return method.Invoke(_inner, args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            throw ex.InnerException;
        }
    }

    private async Task ApplyAfter(Func<IReadOnlyList<ChangeSet>, Task> before, IReadOnlyList<ChangeSet> sets, CancellationToken ct)
    {
        await before(sets);
        await _inner.ApplyAsync(sets, ct);
    }
}
