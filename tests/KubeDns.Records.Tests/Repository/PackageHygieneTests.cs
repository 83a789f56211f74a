using System.Reflection;
using System.Xml.Linq;

namespace KubeDns.Records.Tests.Repository;

/// <summary>
/// The core package is "pure": no package and no framework reference beyond the base framework (style rule 1).
/// Checked in the project file, which is what the package's dependencies come from, and in the built assembly.
/// </summary>
public class PackageHygieneTests
{
    [Fact]
    public void CoreProject_HasNoPackageOrFrameworkReference()
    {
        var project = XDocument.Load(Path.Combine(RepositoryRoot(), "src", "KubeDns.Records", "KubeDns.Records.csproj"));
        var offending = project.Descendants()
            .Where(e => e.Name.LocalName is "PackageReference" or "FrameworkReference" or "ProjectReference")
            .Select(e => $"{e.Name.LocalName} {e.Attribute("Include")?.Value}")
            .ToList();

        Assert.Empty(offending);
    }

    [Fact]
    public void CoreProps_AddOnlyPrivateAnalyzerPackages()
    {
        // src/Directory.Build.props applies to every package; anything it references must be a build-time analyzer.
        var props = XDocument.Load(Path.Combine(RepositoryRoot(), "src", "Directory.Build.props"));
        foreach (var reference in props.Descendants().Where(e => e.Name.LocalName is "PackageReference" or "FrameworkReference"))
        {
            Assert.Equal("all", reference.Attribute("PrivateAssets")?.Value);
            Assert.Contains("Analyzers", reference.Attribute("Include")?.Value, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void CoreAssembly_ReferencesOnlyTheBaseFramework()
    {
        var references = typeof(ClusterState).Assembly.GetReferencedAssemblies()
            .Select(a => a.Name!)
            .Where(n => !(n.StartsWith("System", StringComparison.Ordinal) || n is "netstandard" or "mscorlib" or "Microsoft.Win32.Primitives"))
            .ToList();

        Assert.Empty(references);
    }

    internal static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "KubeDns.Records.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("KubeDns.Records.sln not found above " + AppContext.BaseDirectory);
    }
}
