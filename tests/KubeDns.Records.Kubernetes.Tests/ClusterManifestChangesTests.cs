namespace KubeDns.Records.Kubernetes.Tests;

/// <summary>The difference between two loads, applied as one batch (what <c>kubedns serve --watch</c> does).</summary>
public class ClusterManifestChangesTests
{
    private const string Cluster = """
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: shop}
        spec:
          clusterIP: 10.96.0.77
          selector: {app: web}
          ports: [{name: http, port: 80}]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: web-1, namespace: shop, labels: {app: web}}
        status: {podIP: 10.244.9.1, conditions: [{type: Ready, status: "True"}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: api, namespace: shop}
        spec: {clusterIP: 10.96.0.78, ports: [{port: 8080}]}
        """;

    [Fact]
    public void ChangesSince_SameManifests_Nothing()
    {
        var before = ClusterManifest.Parse(Cluster, "a.yaml");
        var after = ClusterManifest.Parse(Cluster, "a.yaml");

        Assert.Equal(0, after.ChangesSince(before).Count);
        Assert.Equal(4, after.ToBatch().Count);
        Assert.Equal(4, after.ChangesSince(null).Count);
    }

    [Fact]
    public void ChangesSince_EditedAndRemoved_UpsertsAndDeletes()
    {
        var before = ClusterManifest.Parse(Cluster, "a.yaml");
        var edited = Cluster.Replace("10.244.9.1", "10.244.9.2", StringComparison.Ordinal);
        var after = ClusterManifest.Parse(edited[..edited.LastIndexOf("---", StringComparison.Ordinal)], "a.yaml");

        var changes = after.ChangesSince(before).Changes;

        Assert.Equal(
            ["delete Service shop/api", "upsert EndpointSlice shop/web-ipv4", "upsert Pod shop/web-1"],
            changes.Select(c => $"{(c.IsDelete ? "delete" : "upsert")} {c.Key}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ApplyTo_WithPrevious_PublishesOnlyWhenSomethingChanged()
    {
        var state = new ClusterState();
        var first = ClusterManifest.Parse(Cluster, "a.yaml");
        var snapshot = first.ApplyTo(state);
        state.MarkSynced();
        var synced = state.Current;

        Assert.Same(synced, ClusterManifest.Parse(Cluster, "a.yaml").ApplyTo(state, first));

        var second = ClusterManifest.Parse(Cluster.Replace("10.96.0.77", "10.96.0.88", StringComparison.Ordinal), "a.yaml");
        var next = second.ApplyTo(state, first);

        Assert.True(next.Serial > snapshot.Serial);
        Assert.Equal("web.shop.svc.cluster.local. 5 IN A 10.96.0.88\n", state.Resolve("web.shop.svc.cluster.local", RecordType.A).Answer.ToString());
        Assert.True(state.Current.IsSynced);
    }
}
