namespace Vigil.Analytics.Nab;

/// <summary>
/// Finds the shared NAB folder: <c>../shared/data/nab</c> next to the repository root (the folder holding
/// <c>Vigil.sln</c>), searched upwards from each start directory.
/// </summary>
public static class NabDataLocator
{
    public static string? Find(params string[] startDirectories)
    {
        foreach (var start in startDirectories)
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Vigil.sln")))
                {
                    var candidate = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data", "nab"));
                    if (Directory.Exists(Path.Combine(candidate, "data")))
                    {
                        return candidate;
                    }
                }
            }
        }
        return null;
    }
}
