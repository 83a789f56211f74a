using System.Reflection;

namespace KubeDns.Records.Servers.Tests;

/// <summary>
/// No public type of our packages has the name of a public type of Microsoft.Extensions.DependencyInjection or
/// DnsClient, so a file that imports both namespaces needs no alias (issue #16 item 4). This project references
/// every package of src/ and both libraries.
/// </summary>
public class PublicNameCollisionTests
{
    private static readonly Assembly[] Theirs =
    [
        typeof(Microsoft.Extensions.DependencyInjection.ServiceDescriptor).Assembly,
        typeof(Microsoft.Extensions.DependencyInjection.ServiceCollection).Assembly,
        typeof(DnsClient.LookupClient).Assembly,
    ];

    [Fact]
    public void PublicTypes_OurPackages_NoNameSharedWithDependencyInjectionOrDnsClient()
    {
        var theirs = Theirs.SelectMany(TopLevelPublicTypes).ToLookup(t => t.Name, StringComparer.Ordinal);

        var collisions = OurPackages()
            .SelectMany(TopLevelPublicTypes)
            .SelectMany(ours => theirs[ours.Name].Select(other => $"{ours.FullName} ({ours.Assembly.GetName().Name}) ~ {other.FullName} ({other.Assembly.GetName().Name})"))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.True(collisions.Count == 0, "public type names shared with MS.DI or DnsClient:\n" + string.Join('\n', collisions));
    }

    [Fact]
    public void OurPackages_EveryPackageOfSrc_IsLoadedHere()
    {
        var loaded = OurPackages().Select(a => a.GetName().Name!).ToHashSet(StringComparer.Ordinal);

        var missing = PackageNames().Where(name => !loaded.Contains(name)).ToList();

        Assert.True(missing.Count == 0, $"not referenced by this test project (add a ProjectReference): {string.Join(", ", missing)}");
    }

    private static IEnumerable<Type> TopLevelPublicTypes(Assembly assembly) =>
        assembly.GetExportedTypes().Where(t => t.DeclaringType is null);

    /// <summary>The libraries of src/ (every folder with a project, but the tool and the shared sources), as loaded here.</summary>
    private static List<Assembly> OurPackages()
    {
        var names = PackageNames().ToHashSet(StringComparer.Ordinal);
        return
        [
            .. Directory.GetFiles(AppContext.BaseDirectory, "KubeDns.Records*.dll")
                .Select(path => Path.GetFileNameWithoutExtension(path))
                .Where(names.Contains)
                .Select(name => Assembly.Load(new AssemblyName(name))),
        ];
    }

    private static IEnumerable<string> PackageNames()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "KubeDns.Records.sln")))
        {
            root = root.Parent;
        }

        Assert.NotNull(root);
        return Directory.GetDirectories(Path.Combine(root.FullName, "src"))
            .Where(folder => Directory.GetFiles(folder, "*.csproj").Length == 1)
            .Select(Path.GetFileName)
            .Where(name => name != "KubeDns.Records.Tool")
            .Select(name => name!);
    }
}
