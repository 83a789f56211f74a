namespace KubeDns.Records.Naming;

/// <summary>
/// The one spelling of every owner name the library makes up (specification.md §4): <c>&lt;ns&gt;.svc</c>,
/// <c>&lt;svc&gt;.&lt;ns&gt;.svc</c>, <c>_&lt;port&gt;._&lt;proto&gt;.&lt;svc&gt;…</c>, <c>&lt;endpoint&gt;.&lt;svc&gt;…</c>,
/// <c>&lt;dashed-ip&gt;.&lt;ns&gt;.pod</c>, the apex names and the PTR targets. Names are index keys: zone-relative,
/// lower case, without a trailing dot (<c>quote.kiada.svc</c>); <see cref="InZone"/> makes one absolute.
/// </summary>
internal static class OwnerNames
{
    /// <summary>The label below every zone under which services live (§4).</summary>
    public const string ServiceLabel = "svc";

    /// <summary>The label below every zone under which pod names live (§9).</summary>
    public const string PodLabel = "pod";

    /// <summary>The label of the name server's own names (§7).</summary>
    public const string DnsLabel = "dns";

    /// <summary>The name server's name, target of the apex NS record and SOA MNAME (§7).</summary>
    public const string NameServer = "ns." + DnsLabel;

    /// <summary>The SOA responsible mailbox, RNAME (§7).</summary>
    public const string Hostmaster = "hostmaster";

    /// <summary>The name of the schema-version TXT record (§4).</summary>
    public const string DnsVersion = "dns-version";

    /// <summary><c>.svc</c>: how every service-tree key ends.</summary>
    public const string ServiceSuffix = "." + ServiceLabel;

    /// <summary><c>.pod</c>: how every pod key ends.</summary>
    public const string PodSuffix = "." + PodLabel;

    /// <summary>The longest <c>&lt;label&gt;.&lt;ns&gt;.svc</c>: two labels, two dots and <c>svc</c>.</summary>
    public const int MaxServiceKeyLength = (2 * DnsLabels.MaxLabelLength) + 1 + ServiceSuffixLength;

    private const int ServiceSuffixLength = 4;

    /// <summary><c>&lt;ns&gt;.svc</c>: exists exactly when the namespace does and is allowed (§4).</summary>
    public static string Namespace(string ns) => ns + ServiceSuffix;

    /// <summary><c>&lt;svc&gt;.&lt;ns&gt;.svc</c>.</summary>
    public static string Service(string ns, string name) => $"{name}.{ns}{ServiceSuffix}";

    /// <summary><c>_&lt;port&gt;._&lt;proto&gt;.&lt;service key&gt;</c>, the SRV name of a named port (§6.2).</summary>
    public static string Port(string port, ServiceProtocol protocol, string serviceKey) => $"_{port}.{Protocol(protocol, serviceKey)}";

    /// <summary><c>_&lt;proto&gt;.&lt;service key&gt;</c>, the empty non-terminal above the named ports (§16 l).</summary>
    public static string Protocol(ServiceProtocol protocol, string serviceKey) => $"_{ProtocolLabel(protocol)}.{serviceKey}";

    /// <summary><c>&lt;endpoint&gt;.&lt;service key&gt;</c>, an endpoint's own name (§6.3).</summary>
    public static string Endpoint(string label, string serviceKey) => $"{label}.{serviceKey}";

    /// <summary><c>&lt;dashed-ip&gt;.&lt;ns&gt;.pod</c>, a pod's name (§9).</summary>
    public static string Pod(string dashedAddress, string ns) => $"{dashedAddress}.{ns}{PodSuffix}";

    /// <summary>A key, or a fixed label sequence, made absolute in a zone (without the trailing dot): a PTR target (§8).</summary>
    public static string InZone(string key, string zone) => $"{key}.{zone}";

    /// <summary>The protocol label of an SRV name: <c>tcp</c>, <c>udp</c> or <c>sctp</c> (RFC 2782).</summary>
    public static string ProtocolLabel(ServiceProtocol protocol) => protocol switch
    {
        ServiceProtocol.Udp => "udp",
        ServiceProtocol.Sctp => "sctp",
        _ => "tcp",
    };

    /// <summary>
    /// Writes <c>&lt;label&gt;.&lt;ns&gt;.svc</c>, or <c>&lt;ns&gt;.svc</c> when <paramref name="label"/> is empty, without
    /// allocating: the query path's spelling of <see cref="Service"/> and <see cref="Namespace"/>.
    /// </summary>
    /// <returns>False, writing nothing, when a label is too long for DNS or the destination too small.</returns>
    public static bool TryFormatServiceKey(ReadOnlySpan<char> label, ReadOnlySpan<char> ns, Span<char> destination, out int length)
    {
        length = 0;
        var head = label.IsEmpty ? 0 : label.Length + 1;
        if (label.Length > DnsLabels.MaxLabelLength || ns.Length > DnsLabels.MaxLabelLength || destination.Length < head + ns.Length + ServiceSuffixLength)
        {
            return false;
        }

        if (head > 0)
        {
            label.CopyTo(destination);
            destination[label.Length] = '.';
        }

        ns.CopyTo(destination[head..]);
        ServiceSuffix.CopyTo(destination[(head + ns.Length)..]);
        length = head + ns.Length + ServiceSuffixLength;
        return true;
    }
}
