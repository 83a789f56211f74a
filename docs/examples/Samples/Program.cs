// Runs one documentation sample by name, from docs/examples (where `cluster/` is the example cluster):
//   cd docs/examples && dotnet run --project Samples -- Readme
// Exit codes: 0 the sample ran; 3 the sample is compiled but not run (the reason is printed); 2 no such sample.
using Samples;

var run = new Dictionary<string, Func<Task>>(StringComparer.Ordinal)
{
    ["Readme"] = () => Run(Readme.Run),
    ["CoreReadme"] = () => Run(CoreReadme.Run),
    ["CoreReadmeAnswers"] = () => Run(CoreReadmeAnswers.Run),
    ["KubernetesReadme"] = () => Run(KubernetesReadme.Run),
    ["DependencyInjectionReadme"] = () => Run(DependencyInjectionReadme.Run),
    ["HostingReadme"] = () => Run(HostingReadme.Run),
    ["ArSoftReadmeHost"] = () => Run(ArSoftReadmeHost.Run),
    ["ServerDocsArSoft"] = ServerDocsArSoft.RunAsync,
    ["ServerDocsServer"] = ServerDocsServer.RunAsync,
    ["ServerDocsHost"] = ServerDocsHost.RunAsync,
    ["ServerReadme"] = ServerReadme.RunAsync,
    ["ArSoftReadme"] = ArSoftReadme.RunAsync,
    ["ManifestsDocs"] = () => Run(ManifestsDocs.Run),
    ["WireNamesDocs"] = () => Run(WireNamesDocs.Run),
    ["WireDocs"] = () => Run(WireDocs.Run),
};

// Compiled with the project, so they cannot drift from the API; running them is not cheap or not safe.
var notRun = new Dictionary<string, string>(StringComparer.Ordinal)
{
};

// The live feed needs an API server: with KUBECONFIG set it runs against that one (the tool's tests give it a
// fake API server, LiveClusterSampleTests); without, it is compiled only.
if (Environment.GetEnvironmentVariable("KUBECONFIG") is { Length: > 0 })
{
    run["LiveClusterDocs"] = () => LiveClusterDocs.RunAsync(Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
}
else
{
    notRun["LiveClusterDocs"] = "needs a Kubernetes API server: set KUBECONFIG";
}

if (args is [var name] && run.TryGetValue(name, out var sample))
{
    await sample();
    return 0;
}

if (args is [var skipped] && notRun.TryGetValue(skipped, out var reason))
{
    await Console.Error.WriteLineAsync($"not run: {reason}");
    return 3;
}

await Console.Error.WriteLineAsync($"usage: Samples NAME, NAME one of {string.Join(", ", run.Keys.Concat(notRun.Keys))}");
return 2;

static Task Run(Action sample)
{
    sample();
    return Task.CompletedTask;
}
