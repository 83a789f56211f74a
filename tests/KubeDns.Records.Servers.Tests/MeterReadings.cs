using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace KubeDns.Records.Servers.Tests;

/// <summary>
/// An <see cref="IMeterFactory"/> that gives every caller a meter of its own and remembers it, so a test listens to
/// exactly the server it created while other tests' servers publish meters of the same name in parallel.
/// </summary>
internal sealed class TestMeterFactory : IMeterFactory
{
    private readonly ConcurrentQueue<Meter> _meters = new();

    public IReadOnlyCollection<Meter> Meters => _meters;

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(options);
        _meters.Enqueue(meter);
        return meter;
    }

    public void Dispose()
    {
        foreach (var meter in _meters)
        {
            meter.Dispose();
        }
    }
}

/// <summary>One measurement: the instrument, the response code and transport tags (null when absent), the value.</summary>
internal sealed record Reading(string Instrument, string? ResponseCode, string? Transport, long Value);

/// <summary>Reads the observable instruments of one meter on demand, as a metrics exporter would.</summary>
internal sealed class MeterReadings : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<Reading> _collected = new();
    private readonly Lock _collecting = new();

    public MeterReadings(Meter meter)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter))
            {
                Instruments.Enqueue(instrument);
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? code = null, transport = null;
            foreach (var tag in tags)
            {
                switch (tag.Key)
                {
                    case "dns.response_code":
                        code = (string?)tag.Value;
                        break;
                    case "network.transport":
                        transport = (string?)tag.Value;
                        break;
                    default:
                        throw new InvalidOperationException($"unexpected tag {tag.Key} on {instrument.Name}");
                }
            }

            _collected.Enqueue(new Reading(instrument.Name, code, transport, value));
        });
        _listener.Start();
    }

    /// <summary>The instruments of the meter.</summary>
    public ConcurrentQueue<Instrument> Instruments { get; } = new();

    /// <summary>Every measurement the instruments report now.</summary>
    public Reading[] Collect()
    {
        lock (_collecting)
        {
            _collected.Clear();
            _listener.RecordObservableInstruments();
            return [.. _collected];
        }
    }

    /// <summary>kubedns.dns.responses now, as "CODE/transport" → count.</summary>
    public Dictionary<string, long> Responses() =>
        Collect().Where(r => r.Instrument == "kubedns.dns.responses").ToDictionary(r => $"{r.ResponseCode}/{r.Transport}", r => r.Value);

    /// <summary>The value of an instrument without tags now (0 when it reported nothing).</summary>
    public long Total(string instrument) => Collect().Where(r => r.Instrument == instrument).Sum(r => r.Value);

    /// <summary>Collects until <paramref name="done"/> holds (for up to five seconds); the last reading either way.</summary>
    public async Task<T> WaitForAsync<T>(Func<MeterReadings, T> read, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        var value = read(this);
        while (!done(value) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
            value = read(this);
        }

        return value;
    }

    public void Dispose() => _listener.Dispose();
}
