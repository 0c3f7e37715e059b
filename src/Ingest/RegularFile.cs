using System.Globalization;
using System.Runtime.InteropServices;
using MarketStats.Ingest.Validation;
using Microsoft.Win32.SafeHandles;

namespace MarketStats.Ingest;

/// <summary>
/// Delivered files are read only when they are regular files. A symbolic link could point at /etc/shadow or /dev/zero,
/// a named pipe blocks its reader for ever, a device never ends: each is refused by what it is (lstat semantics, the
/// link itself), never followed. On Linux the file is also opened with O_NOFOLLOW | O_NONBLOCK and checked again once
/// open, so a link or pipe swapped in after the check is refused too instead of followed or waited on.
/// </summary>
public static class RegularFile
{
    /// <summary>Null for a regular file; otherwise what the path is ("is a symbolic link (to /dev/zero)").</summary>
    public static string? WhyNot(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is { } target) return $"is a symbolic link (to {target})";
        if (Directory.Exists(path)) return "is a directory";
        if (!info.Exists) return "does not exist";
        return OperatingSystem.IsLinux() && Linux.TypeOf(path, followLinks: false) is { } type ? Describe(type) : null;
    }

    /// <summary>Opens a regular file for reading; throws <see cref="UnreadableFileException"/> (<see cref="RuleIds.NotRegular"/>) for anything else.</summary>
    public static FileStream OpenRead(string path, int bufferSize = 4096, FileOptions options = FileOptions.None)
    {
        if (WhyNot(path) is { } why) throw NotRegular(why);
        if (!OperatingSystem.IsLinux() || Linux.NoFollow == 0)
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize, options);
        var fd = Linux.open(path, Linux.ReadOnlyNonBlocking | Linux.NoFollow);
        if (fd < 0) throw NotRegular($"could not be opened as a regular file (errno {Marshal.GetLastPInvokeError()})");
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        if (Linux.TypeOfOpen(fd) is { } type && Describe(type) is { } changed)
        {
            handle.Dispose();
            throw NotRegular(changed);
        }
        return new FileStream(handle, FileAccess.Read, bufferSize);
    }

    /// <summary>
    /// What the open file's status says about its bytes: device, inode, size, and the modified and changed times to the
    /// nanosecond. Writing the file changes its changed time, which no user can set back, so equal statuses mean the bytes
    /// were not written between them. Null where the kernel does not tell (not Linux, an old kernel, a file system
    /// without those times): the file is then always read.
    /// </summary>
    public static string? StatusOf(SafeFileHandle file) =>
        OperatingSystem.IsLinux() ? Linux.StatusOfOpen((int)file.DangerousGetHandle()) : null;

    private static UnreadableFileException NotRegular(string why) =>
        new(null, $"the file {why}; only regular files are read, so it was refused and left where it is", RuleIds.NotRegular);

    private static string? Describe(int type) => type switch
    {
        Linux.Regular => null,
        Linux.Fifo => "is a named pipe (FIFO)",
        Linux.CharacterDevice => "is a character device",
        Linux.BlockDevice => "is a block device",
        Linux.Socket => "is a socket",
        Linux.Directory => "is a directory",
        Linux.Link => "is a symbolic link",
        _ => "is not a regular file",
    };

    /// <summary>statx(2) and open(2) from libc: statx's buffer has the same layout on every Linux architecture.</summary>
    private static class Linux
    {
        public const int Fifo = 0x1000, CharacterDevice = 0x2000, Directory = 0x4000, BlockDevice = 0x6000, Regular = 0x8000, Link = 0xA000, Socket = 0xC000;
        private const int TypeMask = 0xF000;
        private const int AtFdCwd = -100, AtSymlinkNoFollow = 0x100, AtEmptyPath = 0x1000;
        private const uint StatxType = 0x1;
        private const int StatxModeOffset = 28;
        public const int ReadOnlyNonBlocking = 0x800 /* O_NONBLOCK */ | 0x80000 /* O_CLOEXEC */;

        /// <summary>O_NOFOLLOW differs by architecture; 0 where it is not known here (then the lstat check alone applies).</summary>
        public static int NoFollow => RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 or Architecture.X86 => 0x20000,
            Architecture.Arm64 or Architecture.Arm => 0x8000,
            _ => 0,
        };

        public static int? TypeOf(string path, bool followLinks) =>
            Stat(AtFdCwd, path, followLinks ? 0 : AtSymlinkNoFollow);

        public static int? TypeOfOpen(int fd) => Stat(fd, "", AtEmptyPath);

        private const uint StatxStatus = 0x40 /* mtime */ | 0x80 /* ctime */ | 0x100 /* ino */ | 0x200 /* size */;

        public static string? StatusOfOpen(int fd)
        {
            var buffer = new byte[256];
            if (statx(fd, "", AtEmptyPath, StatxStatus, buffer) != 0) return null;
            if ((BitConverter.ToUInt32(buffer, 0) & StatxStatus) != StatxStatus) return null;
            // struct statx: ino at 32, size at 40, ctime at 96 and mtime at 112 (seconds, then nanoseconds), device at 136.
            string Time(int offset) => $"{BitConverter.ToInt64(buffer, offset)}.{BitConverter.ToUInt32(buffer, offset + 8):D9}";
            return string.Create(CultureInfo.InvariantCulture,
                $"{BitConverter.ToUInt32(buffer, 136)}:{BitConverter.ToUInt32(buffer, 140)}/{BitConverter.ToUInt64(buffer, 32)}/{BitConverter.ToUInt64(buffer, 40)}/{Time(112)}/{Time(96)}");
        }

        private static int? Stat(int dirfd, string path, int flags)
        {
            var buffer = new byte[256];
            if (statx(dirfd, path, flags, StatxType, buffer) != 0) return null; // an old kernel: the other checks still apply
            return BitConverter.ToUInt16(buffer, StatxModeOffset) & TypeMask;
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, [Out] byte[] buffer);

        [DllImport("libc", SetLastError = true)]
        public static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);
    }
}
