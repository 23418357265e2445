using System.Security.Cryptography;
using TorchSharp;
using TorchSharp.Modules;

namespace RL.Core.Checkpoints;

/// <summary>Writes the files of one checkpoint into its temporary directory, hashing each while it is written.</summary>
public sealed class CheckpointWriter
{
    private readonly List<CheckpointFile> _files = new();

    internal CheckpointWriter(string directory) => Directory = directory;

    public string Directory { get; }
    public IReadOnlyList<CheckpointFile> Files => _files;

    public void Add(string name, Action<Stream> write)
    {
        if (name.Contains('/') || name.Contains('\\') || name == CheckpointManifest.FileName || _files.Any(f => f.Name == name))
            throw new ArgumentException($"checkpoint file name '{name}' is invalid or used twice.");
        string path = Path.Combine(Directory, name);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long bytes;
        using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
        {
            using (var hashing = new HashingStream(file, hash))
            {
                write(hashing);
                hashing.Flush();
            }
            file.Flush(true);
            bytes = file.Length;
        }
        _files.Add(new CheckpointFile(name, bytes, Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant()));
    }

    public void AddBinary(string name, Action<BinaryWriter> write) => Add(name, s =>
    {
        using var w = new BinaryWriter(s, System.Text.Encoding.UTF8, leaveOpen: true);
        write(w);
    });

    /// <summary>A module's parameters and buffers in TorchSharp's format (exact float bytes).</summary>
    public void AddModule(string name, torch.nn.Module module) => Add(name, s => module.save(s));

    /// <summary>An optimizer's state (Adam moments and step counts) in TorchSharp's format.</summary>
    public void AddOptimizer(string name, RL.Core.Optimization.AdamOptimizer optimizer) => AddBinary(name, optimizer.Save);

    private sealed class HashingStream : Stream
    {
        private readonly Stream _inner;
        private readonly IncrementalHash _hash;

        public HashingStream(Stream inner, IncrementalHash hash)
        {
            _inner = inner;
            _hash = hash;
        }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _inner.Length;
        public override long Position { get => _inner.Position; set => throw new NotSupportedException(); }
        public override void Flush() => _inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _hash.AppendData(buffer);
            _inner.Write(buffer);
        }

        public override void WriteByte(byte value) => Write(new[] { value });
    }
}
