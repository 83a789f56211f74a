using System.Net;

namespace KubeDns.Records.ArSoft;

/// <summary>Describes one answered query, for logging (<c>kubedns serve -v</c>) and metrics.</summary>
public sealed class QueryAnsweredEventArgs : EventArgs
{
    internal QueryAnsweredEventArgs(string name, RecordType type, ResponseCode responseCode, bool isTcp, IPEndPoint? remote, bool forwarded)
    {
        Name = name;
        Type = type;
        ResponseCode = responseCode;
        IsTcp = isTcp;
        RemoteEndPoint = remote;
        Forwarded = forwarded;
    }

    /// <summary>The query name as received; empty when the query had no single question.</summary>
    public string Name { get; }

    /// <summary>The query type.</summary>
    public RecordType Type { get; }

    /// <summary>The response code sent.</summary>
    public ResponseCode ResponseCode { get; }

    /// <summary>True for TCP, false for UDP.</summary>
    public bool IsTcp { get; }

    /// <summary>The client, when known.</summary>
    public IPEndPoint? RemoteEndPoint { get; }

    /// <summary>True when the answer (or part of it) came from an upstream.</summary>
    public bool Forwarded { get; }
}
