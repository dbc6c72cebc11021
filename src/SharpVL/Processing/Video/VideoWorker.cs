using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using SharpVL.Processing.Images;

namespace SharpVL.Processing.Video;

/// <summary>
/// One <c>sharpvl-video-worker</c> child process (Processing/Video/Native/sharpvl_video_worker.c): probes and decodes
/// one request at a time with the same libav libraries as the ffmpeg executables, so a folder of videos pays the cost
/// of starting them once instead of twice per file. A worker serves one request at a time; <see cref="VideoWorkerPool"/>
/// hands them out. A worker whose request did not end normally (killed for a stall or a cancellation, crashed on a
/// hostile file, abandoned by its caller) or whose decoder reported errors is never reused.
/// </summary>
internal sealed class VideoWorker : IDisposable
{
    private const byte LogRecord = (byte)'L';
    private const byte JsonRecord = (byte)'J';
    private const byte FrameRecord = (byte)'F';
    private const byte EndRecord = (byte)'E';
    private const int MaxJsonBytes = 4 << 20;
    private const int MaxLogBytes = 1 << 16;

    private readonly FfmpegProcess _process;
    private readonly byte[] _header = new byte[5];
    private bool _reusable = true;
    private bool _decoderComplained;

    private VideoWorker(FfmpegProcess process, TimeSpan stallTimeout)
    {
        _process = process;
        StallTimeout = stallTimeout;
    }

    /// <summary>How long a read may wait on this worker before it is killed.</summary>
    internal TimeSpan StallTimeout { get; }

    /// <summary>Whether the worker finished its last request normally and can take another.</summary>
    internal bool Reusable => _reusable && !_process.HasEnded;

    /// <summary>Starts the worker program at <paramref name="program"/>.</summary>
    internal static VideoWorker Start(string program, TimeSpan stallTimeout) =>
        new(FfmpegProcess.Start(program, [], new FfmpegLog(), stallTimeout, keepInput: true), stallTimeout);

    /// <summary>What the worker wrote on stderr (the dynamic loader's complaint when it cannot start).</summary>
    internal string StderrExcerpt => _process.Log.Excerpt();

    /// <summary>The libav versions the worker runs with, as JSON (<c>{"libavcodec": "59.37.100", ...}</c>).</summary>
    internal string Version(CancellationToken cancellationToken)
    {
        string? json = null;
        Serve("sharpvl-video-worker", [Encoding.ASCII.GetBytes("version\n")], new FfmpegLog(), (type, length) =>
        {
            if (type != JsonRecord || length > MaxJsonBytes)
            {
                throw Protocol("sharpvl-video-worker", type);
            }
            json = Encoding.UTF8.GetString(ReadPayload("sharpvl-video-worker", length, cancellationToken));
        }, cancellationToken);
        return json ?? throw Protocol("sharpvl-video-worker", EndRecord);
    }

    /// <summary>
    /// How many frames the decoder yields for the stream (decoding it to its end, nothing converted), or null when the file
    /// cannot be decoded at all (what libav said is in <paramref name="log"/>).
    /// </summary>
    internal int? CountFrames(string path, string url, int streamIndex, FfmpegLog log, CancellationToken cancellationToken)
    {
        int? count = null;
        foreach (var frame in Decode(path, url, "null", streamIndex, 1, [int.MaxValue], log,
                     (status, decoded) => count = status == 0 ? decoded : null, cancellationToken))
        {
            throw Protocol(path, FrameRecord); // no frame has the number int.MaxValue
        }
        return count;
    }

    /// <summary>
    /// ffprobe's JSON for <paramref name="url"/> (the fields <see cref="VideoReader.Probe"/> reads), or null when the file
    /// cannot be opened (what libav said is in <paramref name="log"/>).
    /// </summary>
    internal string? Probe(string path, string url, FfmpegLog log, CancellationToken cancellationToken)
    {
        var urlBytes = Encoding.UTF8.GetBytes(url);
        string? json = null;
        int status = Serve(path, [Encoding.ASCII.GetBytes($"probe {urlBytes.Length}\n"), urlBytes], log, (type, length) =>
        {
            if (type != JsonRecord || length > MaxJsonBytes)
            {
                throw Protocol(path, type);
            }
            json = Encoding.UTF8.GetString(ReadPayload(path, length, cancellationToken));
        }, cancellationToken).Status;
        return status == 0 ? json : null;
    }

    /// <summary>
    /// Decodes <paramref name="url"/>'s stream up to the last of <paramref name="wanted"/> (ascending, distinct) and yields
    /// those frames through <paramref name="filters"/> as rgb24, in order. <paramref name="outcome"/> receives the request's
    /// status and how many frames were decoded (all of them when the stream ended before the last wanted frame).
    /// </summary>
    internal IEnumerable<(int Index, RgbImage Frame)> Decode(
        string path, string url, string filters, int streamIndex, long maxFramePixels, int[] wanted, FfmpegLog log,
        Action<int, int> outcome, CancellationToken cancellationToken)
    {
        var urlBytes = Encoding.UTF8.GetBytes(url);
        var filterBytes = Encoding.UTF8.GetBytes(filters);
        var indices = new byte[wanted.Length * sizeof(int)];
        for (int i = 0; i < wanted.Length; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(indices.AsSpan(i * sizeof(int)), wanted[i]);
        }
        var header = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"decode {urlBytes.Length} {filterBytes.Length} {streamIndex} {maxFramePixels} {wanted.Length}\n"));
        var frames = new Queue<(int, RgbImage)>();
        bool lastArrived = false;
        // Frames are handed out as they arrive, so the caller works on one while the worker decodes the next.
        using var request = BeginRequest(path, [header, urlBytes, filterBytes, indices], cancellationToken);
        while (true)
        {
            var end = NextRecord(path, log, (type, length) =>
            {
                if (type != FrameRecord || length < 12 || length - 12 > maxFramePixels * 3)
                {
                    throw Protocol(path, type);
                }
                var head = ReadPayload(path, 12, cancellationToken);
                int index = BinaryPrimitives.ReadInt32LittleEndian(head);
                int width = BinaryPrimitives.ReadInt32LittleEndian(head.AsSpan(4));
                int height = BinaryPrimitives.ReadInt32LittleEndian(head.AsSpan(8));
                if (width <= 0 || height <= 0 || (long)width * height * 3 != length - 12)
                {
                    throw Protocol(path, type);
                }
                frames.Enqueue((index, new RgbImage(width, height, ReadPayload(path, length - 12, cancellationToken))));
                lastArrived |= index == wanted[^1];
            }, cancellationToken);
            if (end is null && lastArrived)
            {
                // The answer's end follows the last frame: read it before handing that frame out, so a caller that stops
                // at the last frame leaves the worker reusable.
                continue;
            }
            if (end is (int status, int decoded))
            {
                request.Complete();
                outcome(status, decoded);
            }
            while (frames.Count > 0)
            {
                yield return frames.Dequeue();
            }
            if (end is not null)
            {
                yield break;
            }
        }
    }

    /// <summary>Stops the worker.</summary>
    public void Dispose()
    {
        _reusable = false;
        _process.Dispose();
    }

    /// <summary>Sends a request and reads records until its end; returns the end record's (status, frames decoded).</summary>
    private (int Status, int Decoded) Serve(
        string path, byte[][] request, FfmpegLog log, Action<byte, int> onRecord, CancellationToken cancellationToken)
    {
        using var pending = BeginRequest(path, request, cancellationToken);
        while (true)
        {
            if (NextRecord(path, log, onRecord, cancellationToken) is { } end)
            {
                pending.Complete();
                return end;
            }
        }
    }

    private PendingRequest BeginRequest(string path, byte[][] request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _reusable = false; // until the request's end record arrives
        _decoderComplained = false;
        var pending = new PendingRequest(this, _process.KillOn(cancellationToken));
        try
        {
            foreach (var part in request)
            {
                _process.Input.Write(part);
            }
            _process.Input.Flush();
        }
        catch (IOException e)
        {
            pending.Dispose();
            _process.ThrowIfInterrupted(path, cancellationToken);
            throw new MediaException(path, $"the video worker ended before it could take this file ({_process.EndDescription()}).", e);
        }
        return pending;
    }

    /// <summary>Reads one record: log lines go to <paramref name="log"/>, others to <paramref name="onRecord"/>; the end record is returned.</summary>
    private (int Status, int Decoded)? NextRecord(string path, FfmpegLog log, Action<byte, int> onRecord, CancellationToken cancellationToken)
    {
        if (!_process.ReadExactly(_header, path))
        {
            throw Ended(path, cancellationToken);
        }
        byte type = _header[0];
        int length = BinaryPrimitives.ReadInt32LittleEndian(_header.AsSpan(1));
        if (length < 0)
        {
            throw Protocol(path, type);
        }
        switch (type)
        {
            case LogRecord when length <= MaxLogBytes:
                var line = Encoding.UTF8.GetString(ReadPayload(path, length, cancellationToken));
                _decoderComplained |= FfmpegLog.IsCodecError(line);
                log.Add(line);
                return null;
            case EndRecord when length == 8:
                var end = ReadPayload(path, 8, cancellationToken);
                return (BinaryPrimitives.ReadInt32LittleEndian(end), BinaryPrimitives.ReadInt32LittleEndian(end.AsSpan(4)));
            default:
                onRecord(type, length);
                return null;
        }
    }

    private byte[] ReadPayload(string path, int length, CancellationToken cancellationToken)
    {
        var payload = new byte[length];
        if (!_process.ReadExactly(payload, path) && length > 0)
        {
            throw Ended(path, cancellationToken);
        }
        return payload;
    }

    /// <summary>The worker's output ended mid-answer: a cancellation or stall (thrown as such), else the worker died.</summary>
    private MediaException Ended(string path, CancellationToken cancellationToken)
    {
        _process.ThrowIfInterrupted(path, cancellationToken);
        return new MediaException(path, $"the video worker ended while decoding this file ({_process.EndDescription()}); the file may be hostile to the decoder.");
    }

    private MediaException Protocol(string path, byte type)
    {
        _reusable = false;
        return new MediaException(path, $"the video worker sent an unexpected record ('{(char)type}'); it was stopped.");
    }

    /// <summary>A request in flight: kills the worker on cancellation; unless completed, leaves the worker broken.</summary>
    private sealed class PendingRequest(VideoWorker worker, CancellationTokenRegistration cancellation) : IDisposable
    {
        private bool _completed;

        public void Complete() => _completed = true;

        public void Dispose()
        {
            cancellation.Dispose();
            // A decoder that met damage may have left its process's heap in a state no later file should inherit.
            worker._reusable = _completed && !worker._decoderComplained;
        }
    }
}
