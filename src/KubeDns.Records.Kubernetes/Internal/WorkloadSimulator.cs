using System.Globalization;
using k8s;
using k8s.Models;

namespace KubeDns.Records.Kubernetes.Internal;

/// <summary>
/// <see cref="ManifestOptions.SimulateWorkloads"/>: the pods that workload controllers and the kubelet would make of
/// manifests that hold no pod status, so that the EndpointSlice rules (<see cref="EndpointController"/>) find pods
/// to select. Deployments, ReplicaSets and StatefulSets run <c>spec.replicas</c> pods (default 1), a DaemonSet one
/// (the simulated cluster has one node), a Job its parallelism (capped by its completions; none when suspended).
/// A workload that a controller owns (a ReplicaSet of a Deployment) is left to its owner, and one whose selector
/// already matches pods of the manifests (<c>kubectl get -o yaml</c> output) to those pods. A Pod written without
/// status gets one. Every simulated pod is Running and Ready, with an IP from <see cref="PodAddressAllocator"/>.
/// docs/manifests.md states these rules.
/// </summary>
internal static class WorkloadSimulator
{
    /// <summary>Kubernetes' documented limit for one cluster ("Considerations for large clusters": 150,000 pods).</summary>
    public const int MaxPods = 150_000;

    /// <summary>
    /// The alphabet of the names Kubernetes generates (apimachinery's <c>rand.SafeEncodeString</c>: no vowels, no
    /// 0, 1 or 3), so simulated names look like the controllers' own.
    /// </summary>
    private const string NameAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    /// <summary>The KubernetesClient model of the workload kinds simulated; null for every other kind.</summary>
    public static Type? ModelType(string apiVersion, string kind) => (apiVersion, kind) switch
    {
        ("apps/v1", "Deployment") => typeof(V1Deployment),
        ("apps/v1", "ReplicaSet") => typeof(V1ReplicaSet),
        ("apps/v1", "StatefulSet") => typeof(V1StatefulSet),
        ("apps/v1", "DaemonSet") => typeof(V1DaemonSet),
        ("batch/v1", "Job") => typeof(V1Job),
        _ => null,
    };

    /// <summary>Decodes a workload strictly, as the other kinds are.</summary>
    public static object? Deserialize(Type type, string text) => type switch
    {
        _ when type == typeof(V1Deployment) => KubernetesYaml.Deserialize<V1Deployment>(text, strict: true),
        _ when type == typeof(V1ReplicaSet) => KubernetesYaml.Deserialize<V1ReplicaSet>(text, strict: true),
        _ when type == typeof(V1StatefulSet) => KubernetesYaml.Deserialize<V1StatefulSet>(text, strict: true),
        _ when type == typeof(V1DaemonSet) => KubernetesYaml.Deserialize<V1DaemonSet>(text, strict: true),
        _ when type == typeof(V1Job) => KubernetesYaml.Deserialize<V1Job>(text, strict: true),
        _ => throw new ArgumentException($"not a workload model: {type.Name}", nameof(type)),
    };

    /// <summary>The kind and metadata of a workload model given to <c>FromObjects</c>; null for other objects.</summary>
    public static (string Kind, V1ObjectMeta? Metadata)? KindOf(object? model) => model switch
    {
        V1Deployment d => ("Deployment", d.Metadata),
        V1ReplicaSet r => ("ReplicaSet", r.Metadata),
        V1StatefulSet s => ("StatefulSet", s.Metadata),
        V1DaemonSet d => ("DaemonSet", d.Metadata),
        V1Job j => ("Job", j.Metadata),
        _ => null,
    };

    /// <summary>
    /// The objects with each Pod written without status completed, and the simulated pods appended. Errors
    /// (<c>Kind ns/name: field: …</c>, located by the caller) go to <paramref name="errors"/>, one summary line to
    /// <paramref name="warnings"/>; <paramref name="made"/> receives each simulated pod with the workload it came from.
    /// </summary>
    public static List<ManifestObject> Run(
        List<ManifestObject> objects,
        ManifestOptions options,
        List<string> errors,
        List<string> warnings,
        List<(ManifestObject Pod, ManifestObject Owner)> made)
    {
        var result = new List<ManifestObject>(objects.Count);
        var givenPods = new List<V1Pod>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in objects)
        {
            if (item.Model is V1Pod pod)
            {
                givenPods.Add(pod);
                names.Add(item.Label);
            }
        }

        // Pods to give an IP, in allocation order: (namespace, workload or pod name, kind, ordinal).
        var pending = new List<(string Ns, string Group, string Kind, int Index, V1Pod Pod)>();
        var planned = new List<(ManifestObject Owner, V1PodTemplateSpec Template, int Count)>();
        var left = 0;
        var total = 0L;
        foreach (var item in objects)
        {
            if (item.Model is V1Pod pod && NeedsStatus(pod))
            {
                var completed = new V1Pod { ApiVersion = pod.ApiVersion, Kind = pod.Kind, Metadata = pod.Metadata, Spec = pod.Spec };
                pending.Add((item.Namespace, item.Name, item.Kind, 0, completed));
                result.Add(item with { Model = completed });
                continue;
            }

            result.Add(item);
            if (KindOf(item.Model) is not { } workload)
            {
                continue;
            }

            var (template, selector, count) = Shape(item, workload.Kind, errors);
            if (template is null)
            {
                continue;
            }

            // A ReplicaSet of a Deployment (kubectl get output) is its owner's to run; pods already given are what
            // the workload runs.
            if (workload.Metadata?.OwnerReferences?.Any(o => o?.Controller == true) == true
                || givenPods.Any(p => KubernetesDescriptors.NamespaceOf(p.Metadata) == item.Namespace && Selects(selector, template, p.Metadata?.Labels)))
            {
                left++;
                continue;
            }

            total += count;
            planned.Add((item, template, count));
        }

        if (total > MaxPods)
        {
            errors.Add($"simulating workloads would create {total} pods, more than the {MaxPods} a Kubernetes cluster supports; the largest is {Largest(planned)}");
            return result;
        }

        // Workloads in namespace/name order, so that which of two clashing generated names is hashed again does not
        // depend on file order.
        planned.Sort((a, b) =>
        {
            var order = string.CompareOrdinal(a.Owner.Namespace, b.Owner.Namespace);
            order = order != 0 ? order : string.CompareOrdinal(a.Owner.Name, b.Owner.Name);
            return order != 0 ? order : string.CompareOrdinal(a.Owner.Kind, b.Owner.Kind);
        });
        foreach (var (owner, template, count) in planned)
        {
            for (var i = 0; i < count; i++)
            {
                var pod = Create(owner, template, i, names, out var index);
                var label = ManifestObject.LabelOf("Pod", owner.Namespace, pod.Metadata.Name);
                if (!names.Add(label))
                {
                    warnings.Add($"{owner.Label}: the simulated {label} is not created: a Pod of that name is given");
                    continue;
                }

                var simulated = new ManifestObject("Pod", owner.Namespace, pod.Metadata.Name, pod, owner.Source);
                made.Add((simulated, owner));
                pending.Add((owner.Namespace, owner.Name, owner.Kind, index, pod));
                result.Add(simulated);
            }
        }

        if (pending.Count == 0)
        {
            return result;
        }

        var allocator = new PodAddressAllocator(options.PodCidr);
        foreach (var pod in givenPods)
        {
            foreach (var ip in KubernetesDescriptors.PodIPs(pod))
            {
                allocator.Reserve(ip);
            }
        }

        pending.Sort((a, b) =>
        {
            var order = string.CompareOrdinal(a.Ns, b.Ns);
            order = order != 0 ? order : string.CompareOrdinal(a.Group, b.Group);
            order = order != 0 ? order : string.CompareOrdinal(a.Kind, b.Kind);
            return order != 0 ? order : a.Index.CompareTo(b.Index);
        });
        var allocated = 0;
        foreach (var (_, _, _, _, pod) in pending)
        {
            var ip = allocator.Allocate();
            if (ip is null)
            {
                errors.Add($"pod CIDR '{allocator.Text}' is too small: {pending.Count} simulated pods need an address, and {allocated} were free");
                return result;
            }

            allocated++;
            pod.Status = new V1PodStatus
            {
                Phase = "Running",
                PodIP = ip,
                PodIPs = [new V1PodIP { Ip = ip }],
                Conditions = [new V1PodCondition { Type = "Ready", Status = "True" }],
            };
        }

        var bare = pending.Count - made.Count;
        var parts = new List<string>();
        if (made.Count > 0)
        {
            parts.Add($"{Count(made.Count, "pod")} for {Count(planned.Count(p => p.Count > 0), "workload")}");
        }

        if (bare > 0)
        {
            parts.Add($"{Count(bare, "Pod")} written without status");
        }

        var leftText = left == 0 ? string.Empty : $"; {Count(left, "workload")} left to the pods or owners the manifests give";
        warnings.Add($"simulated {string.Join(" and ", parts)}, Running and Ready, with IPs from {allocator.Text}{leftText}");
        return result;
    }

    /// <summary>A Pod written as people write it: no status, or an empty one. kubectl output always has one.</summary>
    private static bool NeedsStatus(V1Pod pod) =>
        pod.Metadata?.DeletionTimestamp is null
        && (pod.Status is null
            || (pod.Status.Phase is null && string.IsNullOrEmpty(pod.Status.PodIP) && pod.Status.PodIPs is not { Count: > 0 } && pod.Status.Conditions is not { Count: > 0 }));

    /// <summary>The pod template, selector and number of running pods of a workload; a null template when it has none.</summary>
    private static (V1PodTemplateSpec? Template, V1LabelSelector? Selector, int Count) Shape(ManifestObject item, string kind, List<string> errors)
    {
        var (template, selector, replicas) = item.Model switch
        {
            V1Deployment d => (d.Spec?.Template, d.Spec?.Selector, d.Spec?.Replicas),
            V1ReplicaSet r => (r.Spec?.Template, r.Spec?.Selector, r.Spec?.Replicas),
            V1StatefulSet s => (s.Spec?.Template, s.Spec?.Selector, s.Spec?.Replicas),
            V1DaemonSet d => (d.Spec?.Template, d.Spec?.Selector, 1),
            V1Job j => (j.Spec?.Template, j.Spec?.Selector, JobPods(j.Spec)),
            _ => (null, null, null),
        };
        if (template is null)
        {
            errors.Add($"{item.Label}: spec.template: is required");
            return (null, null, 0);
        }

        var count = replicas ?? 1;
        if (count < 0)
        {
            errors.Add($"{item.Label}: {(kind == "Job" ? "spec.parallelism" : "spec.replicas")}: {count} is negative");
            return (null, null, 0);
        }

        return (template, selector, count);
    }

    /// <summary>
    /// The pods a Job runs at once: <c>spec.parallelism</c> (default 1), no more than <c>spec.completions</c>,
    /// none while suspended.
    /// </summary>
    private static int JobPods(V1JobSpec? spec)
    {
        if (spec?.Suspend == true)
        {
            return 0;
        }

        var parallelism = spec?.Parallelism ?? 1;
        return spec?.Completions is int completions && completions < parallelism ? completions : parallelism;
    }

    /// <summary>
    /// Pod <paramref name="i"/> of a workload, named as its controller names pods: a StatefulSet's
    /// <c>&lt;name&gt;-&lt;ordinal&gt;</c> with hostname and subdomain, a Deployment's
    /// <c>&lt;name&gt;-&lt;template hash&gt;-&lt;suffix&gt;</c>, an Indexed Job's <c>&lt;name&gt;-&lt;index&gt;-&lt;suffix&gt;</c>
    /// with hostname <c>&lt;name&gt;-&lt;index&gt;</c>, others <c>&lt;name&gt;-&lt;suffix&gt;</c>. The hash and suffix are
    /// derived from the workload's kind, namespace and name and the pod's number, so they are the same on every load;
    /// a suffix some pod already has (<paramref name="taken"/>, pod labels) is hashed again with an attempt number.
    /// </summary>
    private static V1Pod Create(ManifestObject owner, V1PodTemplateSpec template, int i, HashSet<string> taken, out int index)
    {
        var labels = new Dictionary<string, string>(template.Metadata?.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        var spec = template.Spec;
        var hostname = spec?.Hostname;
        var subdomain = spec?.Subdomain;
        var key = $"{owner.Kind}/{owner.Namespace}/{owner.Name}";
        index = i;
        string name;
        switch (owner.Model)
        {
            case V1StatefulSet set:
                // StatefulSet pods are named by ordinal, and the controller sets hostname and subdomain
                // (StatefulSet concepts, "Stable Network ID").
                index = (set.Spec.Ordinals?.Start ?? 0) + i;
                name = $"{owner.Name}-{index.ToString(CultureInfo.InvariantCulture)}";
                hostname = name;
                subdomain = string.IsNullOrEmpty(set.Spec.ServiceName) ? subdomain : set.Spec.ServiceName;
                labels["statefulset.kubernetes.io/pod-name"] = name;
                labels["apps.kubernetes.io/pod-index"] = index.ToString(CultureInfo.InvariantCulture);
                break;
            case V1Deployment:
                var templateHash = Encode(ClusterIPAllocator.Hash(key), 10);
                name = Unique(attempt => $"{owner.Name}-{templateHash}-{Suffix(attempt)}");
                labels["pod-template-hash"] = templateHash;
                break;
            case V1Job job:
                labels["batch.kubernetes.io/job-name"] = owner.Name;
                labels["job-name"] = owner.Name;
                if (job.Spec.CompletionMode == "Indexed")
                {
                    // Indexed Jobs give each pod the hostname <job>-<index> (Job concepts, "Completion mode").
                    var text = i.ToString(CultureInfo.InvariantCulture);
                    name = Unique(attempt => $"{owner.Name}-{text}-{Suffix(attempt)}");
                    hostname = $"{owner.Name}-{text}";
                    labels["batch.kubernetes.io/job-completion-index"] = text;
                }
                else
                {
                    name = Unique(attempt => $"{owner.Name}-{Suffix(attempt)}");
                }

                break;
            default:
                name = Unique(attempt => $"{owner.Name}-{Suffix(attempt)}");
                break;
        }

        var pod = new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = owner.Namespace,
                Labels = labels,
                OwnerReferences = [new V1OwnerReference { ApiVersion = owner.Model is V1Job ? "batch/v1" : "apps/v1", Kind = owner.Kind, Name = owner.Name, Uid = string.Empty, Controller = true }],
            },
            Spec = new V1PodSpec
            {
                Containers = spec?.Containers ?? [],
                Hostname = hostname,
                Subdomain = subdomain,
                NodeName = spec?.NodeName,
            },
        };
        return pod;

        // 27^5 suffixes: a thousand replicas collide with a few percent chance, as random names would; a clash is
        // hashed again, as the controller retries a taken generated name.
        string Suffix(int attempt) => Encode(ClusterIPAllocator.Hash(
            string.Create(CultureInfo.InvariantCulture, $"{key}/{i}{(attempt == 0 ? string.Empty : "/" + attempt.ToString(CultureInfo.InvariantCulture))}")), 5);

        string Unique(Func<int, string> candidate)
        {
            for (var attempt = 0; ; attempt++)
            {
                var name = candidate(attempt);
                if (!taken.Contains(ManifestObject.LabelOf("Pod", owner.Namespace, name)))
                {
                    return name;
                }
            }
        }
    }

    /// <summary>
    /// Whether a workload's selector matches a given pod's labels; a workload without a selector (a Job's is made by
    /// its controller) selects by its template's labels.
    /// </summary>
    private static bool Selects(V1LabelSelector? selector, V1PodTemplateSpec template, IDictionary<string, string>? labels)
    {
        var matchLabels = selector?.MatchLabels;
        var expressions = selector?.MatchExpressions;
        if (matchLabels is not { Count: > 0 } && expressions is not { Count: > 0 })
        {
            matchLabels = template.Metadata?.Labels;
            if (matchLabels is not { Count: > 0 })
            {
                return false;
            }
        }

        if (matchLabels is not null && !EndpointController.Matches(matchLabels, labels))
        {
            return false;
        }

        foreach (var expression in expressions ?? [])
        {
            string? value = null;
            var has = labels?.TryGetValue(expression.Key, out value) == true;
            var inValues = has && expression.Values?.Contains(value!) == true;
            var ok = expression.OperatorProperty switch
            {
                "In" => inValues,
                "NotIn" => !inValues,
                "Exists" => has,
                "DoesNotExist" => !has,
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static string Largest(List<(ManifestObject Owner, V1PodTemplateSpec Template, int Count)> planned)
    {
        var largest = planned[0];
        foreach (var entry in planned)
        {
            if (entry.Count > largest.Count)
            {
                largest = entry;
            }
        }

        return $"{largest.Owner.Label} with {largest.Count}";
    }

    private static string Count(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    private static string Encode(UInt128 hash, int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = NameAlphabet[(int)(hash % (UInt128)NameAlphabet.Length)];
            hash /= (UInt128)NameAlphabet.Length;
        }

        return new string(chars);
    }
}
