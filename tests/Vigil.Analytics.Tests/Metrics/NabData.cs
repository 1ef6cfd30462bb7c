using Vigil.Analytics.Nab;
using Xunit.Abstractions;

namespace Vigil.Analytics.Tests.Metrics;

/// <summary>
/// The shared NAB folder, for the tests that read it. It is not in every checkout, and xunit 2 has no runtime skip, so
/// a test without it says so loudly and passes.
/// </summary>
internal static class NabData
{
    /// <summary>The folder, or null after writing the skip message to <paramref name="output"/>.</summary>
    public static string? RootOrSkip(ITestOutputHelper output)
    {
        var root = NabDataLocator.Find(AppContext.BaseDirectory);
        if (root is null)
        {
            output.WriteLine("SKIPPED: NAB data folder not found (expected ../shared/data/nab next to the folder holding Vigil.sln).");
        }
        return root;
    }
}
