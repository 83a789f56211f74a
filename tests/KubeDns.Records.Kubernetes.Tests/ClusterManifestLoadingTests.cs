using k8s.Models;
using KubeDns.Records.Kubernetes.Tests.TestData;

namespace KubeDns.Records.Kubernetes.Tests;

/// <summary>Reading manifests: files, folders, formats, lists, skipped kinds, and every error path.</summary>
public sealed class ClusterManifestLoadingTests : IDisposable
{
    private const string Quote = """
        apiVersion: v1
        kind: Service
        metadata:
          name: quote
          namespace: kiada
        spec:
          clusterIP: 10.96.161.97
          ports:
          - name: http
            port: 80
        """;

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "kubedns-manifests-" + Guid.NewGuid().ToString("N"));

    public ClusterManifestLoadingTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Parse_MultiDocument_ReadsEveryObject()
    {
        var manifest = ClusterManifest.Parse($"""
            # a comment before the first document
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {"{name: kiada}"}
            ---
            {Quote}
            ---
            ---
            apiVersion: v1
            kind: Pod
            metadata: {"{name: quote-001, namespace: kiada}"}
            status: {"{podIP: 10.244.2.10}"}
            ...
            """, "all.yaml");

        Assert.Equal(["kiada"], manifest.Namespaces.Select(n => n.Name));
        Assert.Equal(["quote"], manifest.Services.Select(s => s.Name));
        Assert.Equal(["quote-001"], manifest.Pods.Select(p => p.Name));
        Assert.Empty(manifest.Warnings);
    }

    [Fact]
    public void Parse_Json_ReadsLikeYaml()
    {
        var manifest = ClusterManifest.Parse("""
            {
            	"apiVersion": "v1",
            	"kind": "List",
            	"items": [
            		{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "quote", "namespace": "kiada"},
            		 "spec": {"clusterIP": "10.96.161.97", "ports": [{"name": "http", "port": 80, "targetPort": 8080}]}},
            		{"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            		 "metadata": {"name": "quote-x", "namespace": "kiada", "labels": {"kubernetes.io/service-name": "quote"}},
            		 "addressType": "IPv4", "endpoints": [{"addresses": ["10.244.2.9"], "conditions": {"ready": true}}],
            		 "ports": [{"name": "http", "port": 8080}]}
            	]
            }
            """, "cluster.json");

        Assert.Equal(["quote"], manifest.Services.Select(s => s.Name));
        Assert.Equal("quote", Assert.Single(manifest.EndpointSlices).ServiceName);
    }

    [Fact]
    public void Parse_KindList_AsKubectlGetPrintsIt()
    {
        var manifest = ClusterManifest.Parse("""
            apiVersion: v1
            items:
            - apiVersion: v1
              kind: Namespace
              metadata:
                creationTimestamp: "2024-05-01T10:00:00Z"
                labels: {kubernetes.io/metadata.name: kiada}
                name: kiada
                resourceVersion: "123"
                uid: 6b1f1c86-5b4e-4f8e-9b8a-3c1c2d3e4f50
              spec: {finalizers: [kubernetes]}
              status: {phase: Active}
            - apiVersion: apps/v1
              kind: Deployment
              metadata: {name: kiada, namespace: kiada}
            kind: List
            metadata:
              resourceVersion: ""
            """, "get.yaml");

        Assert.Equal(["kiada"], manifest.Namespaces.Select(n => n.Name));
        Assert.Empty(manifest.Warnings);
        var skipped = Assert.Single(manifest.SkippedObjects);
        Assert.Equal(("apps/v1", "Deployment", "kiada", "kiada"), (skipped.ApiVersion, skipped.Kind, skipped.Namespace, skipped.Name));
        Assert.Equal("get.yaml: document 1, items[1] (Deployment kiada/kiada): skipped: cluster DNS does not use apps/v1 Deployment", skipped.ToString());
    }

    [Fact]
    public void Parse_TypedList_ItemsWithoutKind()
    {
        var manifest = ClusterManifest.Parse("""
            apiVersion: v1
            kind: ServiceList
            items:
            - metadata: {name: a, namespace: x}
              spec: {clusterIP: 10.96.0.2}
            - metadata: {name: b, namespace: x}
              spec: {clusterIP: 10.96.0.3}
            """, "services.yaml");

        Assert.Equal(["a", "b"], manifest.Services.Select(s => s.Name));
    }

    [Fact]
    public void Parse_UnknownKinds_SkippedAndListed()
    {
        var manifest = ClusterManifest.Parse($"""
            apiVersion: example.com/v1
            kind: Widget
            metadata: {"{name: w, namespace: kiada}"}
            ---
            apiVersion: discovery.k8s.io/v1beta1
            kind: EndpointSlice
            metadata: {"{name: old}"}
            ---
            {Quote}
            """, "mixed.yaml");

        Assert.Equal(["quote"], manifest.Services.Select(s => s.Name));
        Assert.Equal(
            [
                "mixed.yaml: document 1 (Widget kiada/w): skipped: cluster DNS does not use example.com/v1 Widget",
                "mixed.yaml: document 2 (EndpointSlice default/old): skipped: cluster DNS does not use discovery.k8s.io/v1beta1 EndpointSlice",
            ],
            manifest.SkippedObjects.Select(s => s.ToString()));
        Assert.Empty(manifest.Warnings);
    }

    /// <summary>
    /// A literal block whose leading line holds only the block's indentation, as Helm renders
    /// <c>config.yaml: |</c> followed by <c>{{- tpl … | nindent 4 }}</c>. The YAML spec (§8.1.1.1), PyYAML and
    /// kubectl read it; YamlDotNet 18 rejects it with "found extra spaces in first line".
    /// </summary>
    [Theory]
    [InlineData("    \n")]
    [InlineData("  \n    \n")]
    [InlineData("    \r\n")]
    public void Parse_LiteralBlockLeadingSpacesLine_ReadsWhatKubectlReads(string leading)
    {
        var configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: loki, namespace: kiada}\ndata:\n  config.yaml: |\n"
            + leading + "    auth_enabled: false\n    common:\n      path_prefix: /var/loki\n";
        var annotated = Quote.Replace("  namespace: kiada", "  namespace: kiada\n  annotations:\n    note: |\n" + leading + "      first\n      second", StringComparison.Ordinal);

        var manifest = ClusterManifest.Parse($"{configMap}---\n{annotated}\n", "loki.yaml");

        Assert.Equal(["quote"], manifest.Services.Select(s => s.Name));
        Assert.Equal(["loki.yaml: document 1 (ConfigMap kiada/loki): skipped: cluster DNS does not use v1 ConfigMap"], manifest.SkippedObjects.Select(s => s.ToString()));
    }

    [Theory]
    [InlineData("     \n    auth_enabled: false\n", "document 1: ")] // a leading line longer than the content's indentation (§8.1.1.1)
    [InlineData("    auth_enabled: false\n common: {}\n", "document 1: ")] // the block ends, then a key at the wrong indentation
    public void Parse_MalformedYamlInASkippedKind_StillAnErrorWithItsPosition(string block, string expected)
    {
        var e = Assert.Throws<ManifestException>(() => ClusterManifest.Parse(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: loki}\ndata:\n  config.yaml: |\n" + block + "---\n" + Quote, "loki.yaml"));

        Assert.StartsWith($"loki.yaml: {expected}", Assert.Single(e.Errors), StringComparison.Ordinal);
        Assert.Matches(@"\(line [67], column \d+\)$", e.Errors[0]);
    }

    [Fact]
    public void Parse_NoNamespace_UsesTheDefaultNamespace()
    {
        var options = new ManifestOptions { DefaultNamespace = "kiada" };

        var manifest = ClusterManifest.Parse(Quote.Replace("  namespace: kiada\n", "", StringComparison.Ordinal), "q.yaml", options);

        Assert.Equal("kiada", Assert.Single(manifest.Services).Namespace);
        Assert.Equal("default", Assert.Single(ClusterManifest.Parse(Quote.Replace("  namespace: kiada\n", "", StringComparison.Ordinal), "q.yaml").Services).Namespace);
    }

    [Fact]
    public void Load_Folder_ReadsManifestFilesInNameOrderAndNothingElse()
    {
        Write("b.yml", Quote.Replace("quote", "b", StringComparison.Ordinal).Replace("10.96.161.97", "10.96.0.2", StringComparison.Ordinal));
        Write("a.yaml", Quote.Replace("quote", "a", StringComparison.Ordinal).Replace("10.96.161.97", "10.96.0.3", StringComparison.Ordinal));
        Write("c.json", """{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "c"}, "spec": {"clusterIP": "10.96.0.4"}}""");
        Write("README.md", "# not a manifest: kind: Service");
        Directory.CreateDirectory(Path.Combine(_folder, "sub"));
        File.WriteAllText(Path.Combine(_folder, "sub", "d.yaml"), Quote.Replace("quote", "d", StringComparison.Ordinal));

        var manifest = ClusterManifest.Load([_folder]);

        Assert.Equal(["a", "b", "c"], manifest.Services.Select(s => s.Name));
    }

    [Fact]
    public void Files_ListsWhatLoadReads_InItsOrder()
    {
        Write("b.yml", Quote);
        Write("a.yaml", Quote);
        Write("README.md", "# not a manifest");
        Directory.CreateDirectory(Path.Combine(_folder, "sub"));
        File.WriteAllText(Path.Combine(_folder, "sub", "d.yaml"), Quote);
        var missing = Path.Combine(_folder, "sub", "nope.yaml");

        var files = ClusterManifest.Files([missing, _folder]);

        Assert.Equal([missing, Path.Combine(_folder, "a.yaml"), Path.Combine(_folder, "b.yml")], files);
    }

    [Fact]
    public void Load_FilesAndFolders_Together()
    {
        var file = Write("quote.yaml", Quote.Replace("name: quote", "name: quote9", StringComparison.Ordinal).Replace("10.96.161.97", "10.96.161.99", StringComparison.Ordinal));

        var manifest = ClusterManifest.Load([file, ExampleManifests.Folder]);

        Assert.Equal(15, manifest.Services.Count);
    }

    [Fact]
    public void Load_EmptyFolder_Warns()
    {
        Assert.Equal([$"{_folder}: the folder has no .yaml, .yml or .json files"], ClusterManifest.Load([_folder]).Warnings);
    }

    // ---- Errors: each names file, document, object and field, with the line and column ----

    [Fact]
    public void Load_MissingPath_Fails()
    {
        var missing = Path.Combine(_folder, "nope.yaml");

        var e = Assert.Throws<ManifestException>(() => ClusterManifest.Load([missing]));

        Assert.Equal($"{missing}: no such file or folder", e.Message);
    }

    [Fact]
    public void Parse_SyntaxError_NamesDocumentLineAndColumn()
    {
        var e = Assert.Throws<ManifestException>(() => ClusterManifest.Parse($"{Quote}\n---\napiVersion: v1\nkind: Service\nmetadata: {{name: [oops}}\n", "bad.yaml"));

        var error = Assert.Single(e.Errors);
        Assert.StartsWith("bad.yaml: document 2: ", error, StringComparison.Ordinal);
        Assert.Matches(@"\(line 14, column \d+\)$", error);
    }

    [Theory]
    [InlineData("a: [1, 2\nb: 3\n", "(line 13, column 1)")]
    [InlineData("a: {x: 1\nb: 3\n", "(line 13, column 1)")]
    [InlineData("metadata: {name: [oops\n---\nkind: Service\n", "(line 13, column 1)")]
    public void Parse_UnclosedFlowCollection_NamesDocumentLineAndColumn(string document, string position)
    {
        var e = Assert.Throws<ManifestException>(() => ClusterManifest.Parse($"{Quote}\n---\n{document}", "bad.yaml"));

        var error = e.Errors[0];
        Assert.StartsWith("bad.yaml: document 2: ", error, StringComparison.Ordinal);
        Assert.EndsWith(position, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("port: abc", "spec.ports[0].port: 'abc' is not a number (line 14, column 11)")]
    [InlineData("port: 99999999999", "spec.ports[0].port: '99999999999' is out of range (line 14, column 11)")]
    [InlineData("port: [80]", "spec.ports[0].port: expected a single value, not a list (line 14, column 11)")]
    [InlineData("port: 80\n  publishNotReadyAddresses: maybe", "spec.publishNotReadyAddresses: 'maybe' is not true or false (line 15, column 29)")]
    [InlineData("port: 80\n  selectors: {app: quote}", "spec.selectors: unknown field (line 15, column 3)")]
    [InlineData("port: 80\n  selector: [app]", "spec.selector: expected a mapping, not a list (line 15, column 13)")]
    [InlineData("port: 80\n    protocol: TCPX", "spec.ports[0].protocol: 'TCPX' is not TCP, UDP or SCTP (line 15, column 15)")]
    [InlineData("port: 70000", "spec.ports[0].port: 70000 is not in 1..65535 (line 14, column 11)")]
    public void Load_BadField_NamesFileDocumentObjectFieldAndPosition(string replacement, string expected)
    {
        var file = Write("kiada.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: kiada}\n---\n" + Quote.Replace("port: 80", replacement, StringComparison.Ordinal).Replace("10.96.161.97", "10.96.161.98", StringComparison.Ordinal));

        var e = Assert.Throws<ManifestException>(() => ClusterManifest.Load([file]).ApplyTo(new ClusterState()));

        Assert.Equal($"{file}: document 2 (Service kiada/quote): {expected}", Assert.Single(e.Errors));
    }

    [Fact]
    public void Parse_ListItemError_NamesTheItem()
    {
        var e = Assert.Throws<ManifestException>(() => ClusterManifest.Parse("""
            apiVersion: v1
            kind: List
            items:
            - apiVersion: v1
              kind: Namespace
              metadata: {name: kiada}
            - apiVersion: v1
              kind: Service
              metadata: {name: quote, namespace: kiada}
              spec: {ports: [{port: eighty}]}
            """, "list.yaml"));

        Assert.Equal("list.yaml: document 1, items[1] (Service kiada/quote): spec.ports[0].port: 'eighty' is not a number (line 10, column 25)", e.Message);
    }

    [Theory]
    [InlineData("kind: Service\nmetadata: {name: a}", "document 1: apiVersion: is required (line 1, column 1)")]
    [InlineData("apiVersion: v1\nmetadata: {name: a}", "document 1: kind: is required (line 1, column 1)")]
    [InlineData("apiVersion: v1\nkind: Service\nmetadata: {namespace: a}", "document 1 (Service): metadata.name: is required (line 3, column 11)")]
    [InlineData("- apiVersion: v1", "document 1: a Kubernetes object must be a mapping with apiVersion and kind (line 1, column 1)")]
    [InlineData("just text", "document 1: a Kubernetes object must be a mapping with apiVersion and kind (line 1, column 1)")]
    [InlineData("apiVersion: v1\nkind: List\nitems: 5", "document 1 (List): items: expected a list (line 3, column 8)")]
    public void Parse_NotAnObject_Fails(string text, string expected)
    {
        var e = Assert.Throws<ManifestException>(() => ClusterManifest.Parse(text, "x.yaml"));

        Assert.Equal($"x.yaml: {expected}", e.Message);
    }

    [Fact]
    public void Load_SameObjectTwice_NamesBothPlaces()
    {
        var first = Write("a.yaml", Quote);
        var second = Write("b.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: kiada}\n---\n" + Quote);

        var e = Assert.Throws<ManifestException>(() => ClusterManifest.Load([first, second]));

        Assert.Equal($"{second}: document 2 (Service kiada/quote): is defined twice; first in {first}: document 1 (line 8, column 9)", e.Message);
    }

    [Fact]
    public void Load_ClusterIPTakenTwice_Fails()
    {
        var e = Assert.Throws<ManifestException>(() => ClusterManifest.Parse(Quote + "\n---\n" + Quote.Replace("name: quote", "name: quote2", StringComparison.Ordinal), "q.yaml"));

        Assert.Equal("q.yaml: document 2 (Service kiada/quote2): spec.clusterIP: '10.96.161.97' is already allocated to Service kiada/quote (line 18, column 14)", e.Message);
    }

    /// <summary>The core names the descriptor's field; the error names the one the file has, where it is.</summary>
    [Theory]
    [InlineData("clusterIP: 10.96.0.300", "spec.clusterIP", "(line 7, column 14)")]
    [InlineData("clusterIPs: [10.96.0.300]", "spec.clusterIPs[0]", "(line 7, column 16)")]
    public void ApplyTo_BadClusterIP_NamesTheFieldAsWritten(string field, string named, string position)
    {
        var manifest = ClusterManifest.Parse(Quote.Replace("clusterIP: 10.96.161.97", field, StringComparison.Ordinal), "q.yaml");

        var e = Assert.Throws<ManifestException>(() => manifest.ApplyTo(new ClusterState()));

        var error = Assert.Single(e.Errors);
        Assert.StartsWith($"q.yaml: document 1 (Service kiada/quote): {named}: '10.96.0.300' ", error, StringComparison.Ordinal);
        Assert.EndsWith(position, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ManyErrors_AllReportedAtOnce()
    {
        var e = Assert.Throws<ManifestException>(() => ClusterManifest.Parse($"""
            {Quote.Replace("port: 80", "port: x", StringComparison.Ordinal)}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {"{namespace: kiada}"}
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {"{name: s, namespace: kiada}"}
            addressType: IPv4
            """, "many.yaml"));

        Assert.Equal(3, e.Errors.Count);
        Assert.StartsWith("3 errors; nothing was applied:", e.Message, StringComparison.Ordinal);
        Assert.Equal("many.yaml: document 3 (EndpointSlice kiada/s): metadata.labels[kubernetes.io/service-name]: is required: it names the Service the slice belongs to (line 18, column 11)", e.Errors[2]);
    }

    [Fact]
    public void ApplyTo_CoreRejection_NothingApplied()
    {
        var state = new ClusterState();
        ClusterManifest.Parse("apiVersion: v1\nkind: Namespace\nmetadata: {name: before}", "before.yaml").ApplyTo(state);
        var serial = state.Current.Serial;
        var manifest = ClusterManifest.Parse($"""
            {Quote}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {"{name: Bad_Name, namespace: kiada}"}
            status: {"{podIP: 10.244.0.1}"}
            """, "bad.yaml");

        var e = Assert.Throws<ManifestException>(() => manifest.ApplyTo(state));

        Assert.StartsWith("bad.yaml: document 2 (Pod kiada/Bad_Name): metadata.name: 'Bad_Name' is not a valid RFC 1123 subdomain", Assert.Single(e.Errors), StringComparison.Ordinal);
        Assert.EndsWith("(line 14, column 18)", e.Errors[0], StringComparison.Ordinal);
        Assert.Equal(serial, state.Current.Serial);
        Assert.Null(state.Current.FindService("kiada", "quote"));
    }

    [Fact]
    public void ApplyTo_DerivedSliceRejected_NamesTheServiceDocument()
    {
        var manifest = ClusterManifest.Parse("""
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: shop}
            spec:
              clusterIP: 10.96.0.80
              selector: {app: web}
              ports: [{name: Not_A_Label, port: 80}]
            """, "web.yaml");

        var e = Assert.Throws<ManifestException>(() => manifest.ApplyTo(new ClusterState()));

        Assert.Equal("web.yaml: document 1 (Service shop/web): spec.ports[0].name: 'Not_A_Label' is not a valid RFC 1123 label (line 7, column 18)", Assert.Single(e.Errors));
    }

    [Fact]
    public void Load_EndpointsAndSlicesForOneService_SlicesWin()
    {
        var manifest = ClusterManifest.Parse($"""
            {Quote}
            ---
            apiVersion: v1
            kind: Endpoints
            metadata: {"{name: quote, namespace: kiada}"}
            subsets: [{"{addresses: [{ip: 10.0.0.1}]}"}]
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {"{name: quote-1, namespace: kiada, labels: {kubernetes.io/service-name: quote}}"}
            addressType: IPv4
            endpoints: [{"{addresses: [10.0.0.2]}"}]
            """, "q.yaml");

        Assert.Equal(["quote-1"], manifest.EndpointSlices.Select(s => s.Name));
        Assert.Equal(["q.yaml: document 2 (Endpoints kiada/quote): ignored: EndpointSlices are given for Service kiada/quote, and they take precedence"], manifest.Warnings);
    }

    [Fact]
    public void Load_Endpoints_MappedWithoutDerivation()
    {
        var manifest = ClusterManifest.Parse($"""
            {Quote.Replace("spec:", "spec:\n  selector: {app: quote}", StringComparison.Ordinal)}
            ---
            apiVersion: v1
            kind: Endpoints
            metadata: {"{name: quote, namespace: kiada}"}
            subsets: [{"{addresses: [{ip: 10.0.0.1}], notReadyAddresses: [{ip: 10.0.0.2}], ports: [{name: http, port: 8080}]}"}]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {"{name: p, namespace: kiada, labels: {app: quote}}"}
            status: {"{podIP: 10.0.0.9, conditions: [{type: Ready, status: 'True'}]}"}
            """, "q.yaml");

        var slice = Assert.Single(manifest.EndpointSlices);
        Assert.Equal(["10.0.0.1 True", "10.0.0.2 False"], slice.Endpoints.Select(e => $"{e.Addresses[0]} {e.Ready}"));
    }

    [Fact]
    public void FromObjects_Models_CompletedLikeManifests()
    {
        object[] objects =
        [
            new V1Service { Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "shop" }, Spec = new V1ServiceSpec { Selector = new Dictionary<string, string> { ["app"] = "web" } } },
            new V1Pod { Metadata = new V1ObjectMeta { Name = "web-1", NamespaceProperty = "shop", Labels = new Dictionary<string, string> { ["app"] = "web" } }, Status = new V1PodStatus { PodIP = "10.244.0.5" } },
            new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "settings" } },
        ];

        var manifest = ClusterManifest.FromObjects(objects);

        Assert.Single(Assert.Single(manifest.Services).ClusterIPs);
        Assert.Equal<string>(["10.244.0.5"], Assert.Single(Assert.Single(manifest.EndpointSlices).Endpoints).Addresses);
        var skipped = Assert.Single(manifest.SkippedObjects);
        Assert.Equal("skipped: cluster DNS does not use V1ConfigMap", skipped.ToString());
        Assert.Equal(("v1", "ConfigMap", "settings"), (skipped.ApiVersion, skipped.Kind, skipped.Name));
        Assert.StartsWith("Service shop/web: spec.clusterIP: not set; allocated 10.", Assert.Single(manifest.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void PublicEntryPoints_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => ClusterManifest.Load(null!));
        Assert.Throws<ArgumentNullException>(() => ClusterManifest.Parse(null!, "x"));
        Assert.Throws<ArgumentNullException>(() => ClusterManifest.Parse("", null!));
        Assert.Throws<ArgumentNullException>(() => ClusterManifest.Parse(null!, null));
        Assert.Throws<ArgumentNullException>(() => ClusterManifest.FromObjects(null!));
        Assert.Throws<ArgumentNullException>(() => ClusterManifest.Parse("", "x").ApplyTo(null!));
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }
}
