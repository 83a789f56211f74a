using System.Net;
using KubeDns.Records.Wire;

namespace KubeDns.Records.Server;

/// <summary>One answered query, for logging (<c>kubedns serve -v</c>).</summary>
public sealed class DnsQueryAnsweredEventArgs : EventArgs
{
    private DnsQueryAnsweredEventArgs(string name, RecordType type, ResponseCode code, bool isTcp, IPEndPoint? remote, bool forwarded)
    {
        Name = name;
        Type = type;
        ResponseCode = code;
        IsTcp = isTcp;
        RemoteEndPoint = remote;
        Forwarded = forwarded;
    }

    /// <summary>The question name, or empty when the message had no readable question.</summary>
    public string Name { get; }

    /// <summary>The question type.</summary>
    public RecordType Type { get; }

    /// <summary>The response code of our answer (forwarded answers: the code before forwarding).</summary>
    public ResponseCode ResponseCode { get; }

    /// <summary>True for TCP.</summary>
    public bool IsTcp { get; }

    /// <summary>The client, when known.</summary>
    public IPEndPoint? RemoteEndPoint { get; }

    /// <summary>True when the query went to the forwarder.</summary>
    public bool Forwarded { get; }

    internal static DnsQueryAnsweredEventArgs From(ReadOnlySpan<byte> query, DnsRespondResult result, bool tcp, IPEndPoint? remote)
    {
        Span<char> name = stackalloc char[DnsQuery.MaxNameTextLength + 2];
        var ok = DnsQuery.TryRead(query, name, out var q) == DnsQueryStatus.Ok;
        return new DnsQueryAnsweredEventArgs(
            ok ? q.Name.ToString() : string.Empty,
            ok ? q.Type : RecordType.None,
            result.ResponseCode,
            tcp,
            remote,
            result.Status == DnsRespondStatus.Forward);
    }
}
