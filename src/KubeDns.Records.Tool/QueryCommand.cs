using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using KubeDns.Records.Wire;

namespace KubeDns.Records.Tool;

/// <summary>
/// <c>kubedns query NAME [TYPE]</c>: resolves one question in-process, from the same sources and options as
/// <c>serve</c>, and prints it in dig's layout (header with the response code, then the question, answer, authority
/// and additional sections as zone-file lines), or as JSON with <c>--json</c>.
/// </summary>
internal static class QueryCommand
{
    public static Command Create(ClusterOptionSet cluster, TextWriter output, TextWriter error)
    {
        var name = new Argument<string>("NAME")
        {
            Description = @"The name to resolve, such as quote.kiada.svc.cluster.local, as dig reads it: \DDD is an octet, \. a dot inside a label.",
        };
        var type = new Argument<string>("TYPE")
        {
            Description = "The record type: A, AAAA, SRV, PTR, CNAME, TXT, SOA, NS, ANY, or TYPEnnn.",
            DefaultValueFactory = _ => "A",
        };
        var podNamespace = new Option<string>("--namespace", "-n")
        {
            Description = "Resolve as a pod in this namespace would, through its search path, printing each candidate tried.",
            HelpName = "NS",
        };
        var json = new Option<bool>("--json") { Description = "Print the answer as JSON." };
        var resolver = new Option<string>("--resolver")
        {
            Description = "With --namespace: whose search rules, glibc (default), musl or dig.",
            DefaultValueFactory = _ => "glibc",
            HelpName = "KIND",
        }.OneOf("glibc", "musl", "dig");

        var command = new Command("query", "Resolve a name in-process and print the answer as dig does.");
        command.Arguments.Add(name);
        command.Arguments.Add(type);
        cluster.AddTo(command);
        command.Options.Add(podNamespace);
        command.Options.Add(json);
        command.Options.Add(resolver);
        command.SetAction(result =>
        {
            var queryType = ParseType(result.GetValue(type)!);
            var (state, _, _) = cluster.Build(result, cluster.Diagnostics(result, error));
            var queryName = ParseName(result.GetValue(name)!);
            var asJson = result.GetValue(json);
            if (result.GetValue(podNamespace) is { } ns)
            {
                // Like nslookup from a pod: the search path's candidates with their outcomes, then the answer used.
                var config = SearchConfig(ns, cluster.ToDnsOptions(result));
                var walk = config.Resolve(state.Current, queryName, queryType, ResolverKind(result.GetValue(resolver)!));
                if (asJson)
                {
                    output.Write(SearchJson(walk));
                    output.Flush();
                    return ExitCodes.Success;
                }

                foreach (var tried in walk.Tried)
                {
                    output.Write($";; tried {tried}\n");
                }

                if (walk.Final is null || walk.Final.IsOutsideCluster)
                {
                    output.Write($";; {DnsName.Format(queryName)}: {(walk.Final is null ? "every candidate failed" : "outside the cluster: upstream decides")}\n");
                    output.Flush();
                    return ExitCodes.Success;
                }

                queryName = walk.Final.Name;
            }

            var resolution = state.Resolve(queryName, queryType);
            output.Write(asJson ? Json(resolution) : Dig(resolution));
            output.Flush();
            return ExitCodes.Success;
        });
        return command;
    }

    private static PodDnsConfig SearchConfig(string ns, ClusterDnsOptions options)
    {
        try
        {
            return PodDnsConfig.ForNamespace(ns, options.Zones[0]);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--namespace: {e.Message}", e);
        }
    }

    private static PodResolverKind ResolverKind(string text) => text switch
    {
        "musl" => PodResolverKind.Musl,
        "dig" => PodResolverKind.DigSearch,
        _ => PodResolverKind.Glibc,
    };

    private static string SearchJson(SearchPathResult walk)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("name", DnsName.Format(walk.QueryName));
            json.WriteStartArray("tried");
            foreach (var tried in walk.Tried)
            {
                json.WriteStartObject();
                json.WriteString("name", DnsName.Format(tried.Name));
                json.WriteString("status", tried.IsOutsideCluster ? "OUTSIDE" : Resolution.StatusText(tried.ResponseCode));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteBoolean("succeeded", walk.Succeeded);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>
    /// NAME in presentation format (RFC 1035 §5.1) decoded as <see cref="DnsName.TryParse"/> does, so that it is
    /// the name a query over the wire would carry; a trailing dot is kept, so the search walk sees an absolute name.
    /// </summary>
    /// <exception cref="UsageException">The text is no domain name.</exception>
    internal static string ParseName(string text)
    {
        Span<char> buffer = stackalloc char[DnsQuery.MaxNameTextLength];
        return DnsName.TryParse(text, buffer, out var length, out var problem)
            ? buffer[..length].ToString()
            : throw new UsageException($"NAME: '{text}' {problem}");
    }

    /// <summary>A record type by mnemonic (any case) or as <c>TYPEnnn</c> (RFC 3597).</summary>
    /// <exception cref="UsageException">The text names no type.</exception>
    internal static RecordType ParseType(string text)
    {
        if (text.StartsWith("TYPE", StringComparison.OrdinalIgnoreCase)
            && ushort.TryParse(text.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return (RecordType)number;
        }

        if (!text.All(char.IsAsciiLetterOrDigit) || !Enum.TryParse<RecordType>(text, ignoreCase: true, out var type) || type == RecordType.None)
        {
            throw new UsageException($"TYPE: '{text}' is not a record type (A, AAAA, SRV, PTR, CNAME, TXT, SOA, NS, ANY or TYPEnnn)");
        }

        return type;
    }

    /// <summary>dig's layout (<see cref="Resolution.ToString"/>), ended by the blank line dig prints after the last section.</summary>
    internal static string Dig(Resolution resolution) => resolution + "\n\n";

    /// <summary>
    /// <c>{"name", "type", "status", "authoritative", "answer": [{"name", "ttl", "class", "type", "data"}], "authority", "additional"}</c>,
    /// with <c>data</c> the record's RDATA in zone-file form.
    /// </summary>
    internal static string Json(Resolution resolution)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("name", Absolute(DnsName.Format(resolution.QueryName)));
            json.WriteString("type", Resolution.TypeText(resolution.QueryType));
            json.WriteString("status", Resolution.StatusText(resolution.ResponseCode));
            json.WriteBoolean("authoritative", resolution.IsAuthoritative);
            if (resolution.ExternalTarget is { } target)
            {
                json.WriteString("externalTarget", target);
            }

            Section(json, "answer", resolution.Answer);
            Section(json, "authority", resolution.Authority);
            Section(json, "additional", resolution.Additional);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";

        static void Section(Utf8JsonWriter json, string title, RecordSection section)
        {
            json.WriteStartArray(title);
            foreach (var record in section)
            {
                var owner = DnsName.Format(record.Name.ToString());
                var type = Resolution.TypeText(record.Type);
                var line = record.ToString();
                var prefix = string.Create(CultureInfo.InvariantCulture, $"{owner} {record.TimeToLive} IN {type} ");
                json.WriteStartObject();
                json.WriteString("name", owner);
                json.WriteNumber("ttl", record.TimeToLive);
                json.WriteString("class", "IN");
                json.WriteString("type", type);
                json.WriteString("data", line.StartsWith(prefix, StringComparison.Ordinal) ? line[prefix.Length..] : line);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }
    }

    /// <summary>A name as printed: with its trailing dot.</summary>
    internal static string Absolute(string name) => name.EndsWith('.') ? name : name + ".";
}
