using System.Diagnostics;
using System.Net;
using KubeDns.Records.Diagnostics;

namespace KubeDns.Records.Serving;

/// <summary>
/// The open TCP connections of one server and who may open the next (docs/server.md, "TCP connections"). RFC 7766
/// §6.2.3 asks a server to manage its idle connections rather than let them starve new clients, so while there is room
/// every connection is admitted, and once <c>maxConnections</c> are open a newcomer takes the place of an idle one:
/// <list type="bullet">
/// <item>a newcomer whose address already has <c>maxPerClient</c> or more connections replaces its own longest-idle
/// connection (a forwarder such as NodeLocal DNSCache keeps a pool of connections from one address; the one it left
/// unused longest goes), so a client cannot grow past its share at the expense of others;</item>
/// <item>any other newcomer replaces the longest-idle connection of a client holding more than <c>maxPerClient</c>,
/// or, when no client does, the longest-idle connection of all;</item>
/// <item>only when every candidate is mid-query is the newcomer closed.</item>
/// </list>
/// The share binds only when the server is full, so one busy forwarder may use every free connection (a hard per-client
/// cap below its pool size made it reconnect endlessly: docs/server.md has the measurement). A connection is mid-query
/// from the moment a whole query has arrived until its answer is written; waiting for a query, or for the rest of one,
/// is idle, so a client that trickles bytes (slowloris) holds nothing. Idle time runs from the last answer written (or
/// the accept). Admission takes a lock and,
/// when full, scans the table; the per-query marks are two interlocked writes.
/// </summary>
internal sealed class TcpConnectionTable(int maxConnections, int maxPerClient, DnsServerMetrics? metrics)
{
    /// <summary>The default share per client address; docs/server.md explains the choice.</summary>
    public const int DefaultMaxPerClient = 16;

    private readonly Lock _gate = new();
    private readonly List<Slot> _slots = [];
    private readonly Dictionary<IPAddress, int> _perClient = [];

    /// <summary>Connections admitted and not yet removed or evicted.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _slots.Count;
            }
        }
    }

    /// <summary>
    /// Admits <paramref name="connection"/> from <paramref name="client"/>, closing the idle connection it replaces;
    /// null when it must be refused (the caller closes it). Evictions and refusals are counted.
    /// </summary>
    public Slot? Admit(IPAddress client, IDisposable connection)
    {
        // A dual-stack listener reports IPv4 clients as ::ffff:a.b.c.d: the same client either way.
        if (client.IsIPv4MappedToIPv6)
        {
            client = client.MapToIPv4();
        }

        Slot? victim = null;
        Slot? admitted = null;
        lock (_gate)
        {
            if (_slots.Count >= maxConnections)
            {
                victim = _perClient.GetValueOrDefault(client) >= maxPerClient
                    ? LongestIdle(client, overShare: false)
                    : LongestIdle(null, overShare: true) ?? LongestIdle(null, overShare: false);
                if (victim is not null)
                {
                    Forget(victim);
                }
            }

            if (_slots.Count < maxConnections)
            {
                admitted = new Slot(client, connection);
                _slots.Add(admitted);
                _perClient[client] = _perClient.GetValueOrDefault(client) + 1;
            }
        }

        if (victim is not null)
        {
            metrics?.TcpEvict();
            victim.Connection.Dispose();
        }
        else if (admitted is null)
        {
            metrics?.TcpRefuse();
        }

        return admitted;
    }

    /// <summary>Forgets a connection that closed; nothing when it was already evicted.</summary>
    public void Remove(Slot slot)
    {
        lock (_gate)
        {
            Forget(slot);
        }
    }

    /// <summary>Closes every connection (the server is stopping).</summary>
    public void CloseAll()
    {
        Slot[] slots;
        lock (_gate)
        {
            slots = [.. _slots];
            _slots.Clear();
            _perClient.Clear();
        }

        foreach (var slot in slots)
        {
            slot.Connection.Dispose();
        }
    }

    /// <summary>
    /// The idle connection whose last answer is oldest: of <paramref name="client"/> when given, else of a client over
    /// its share when <paramref name="overShare"/>, else of anyone.
    /// </summary>
    private Slot? LongestIdle(IPAddress? client, bool overShare)
    {
        Slot? oldest = null;
        foreach (var slot in _slots)
        {
            if (slot.IsIdle
                && (client is null || slot.Client.Equals(client))
                && (!overShare || _perClient[slot.Client] > maxPerClient)
                && (oldest is null || slot.LastActive < oldest.LastActive))
            {
                oldest = slot;
            }
        }

        return oldest;
    }

    private void Forget(Slot slot)
    {
        if (_slots.Remove(slot))
        {
            var left = _perClient[slot.Client] - 1;
            if (left == 0)
            {
                _perClient.Remove(slot.Client);
            }
            else
            {
                _perClient[slot.Client] = left;
            }
        }
    }

    /// <summary>One admitted connection: its client and whether, and since when, it is idle.</summary>
    public sealed class Slot(IPAddress client, IDisposable connection)
    {
        private long _lastActive = Stopwatch.GetTimestamp();
        private int _inFlight;

        public IPAddress Client { get; } = client;

        public IDisposable Connection { get; } = connection;

        public bool IsIdle => Volatile.Read(ref _inFlight) <= 0;

        public long LastActive => Volatile.Read(ref _lastActive);

        /// <summary>A whole query has arrived: the connection is mid-query until <see cref="End"/>.</summary>
        public void Begin() => Interlocked.Increment(ref _inFlight);

        /// <summary>An answer was written (or the query was dropped): idle again from now.</summary>
        public void End()
        {
            Volatile.Write(ref _lastActive, Stopwatch.GetTimestamp());
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
