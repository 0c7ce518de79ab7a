// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title CidCodec: canonical CIDv1 strings <-> their 32-byte sha2-256 digest
/// @notice A result CID is stored as one word when it is the canonical base32 form of a CIDv1 with a
/// sha2-256 multihash and the raw (0x55) or dag-pb (0x70) codec, as `ipfs add --cid-version 1`
/// prints it ("bafkrei..." / "bafybei...", 59 characters); that is what Lilypad and the local node
/// post. `compress` accepts a string only if `expand` gives back exactly the same string, so any
/// other text (CIDv0 "Qm...", other codecs, upper case) is stored as it is by the caller.
library CidCodec {
    /// @dev Forms a stored result can take (2 bits).
    uint256 internal constant NONE = 0;
    uint256 internal constant RAW = 1; // CIDv1, codec raw (0x55), sha2-256
    uint256 internal constant DAG_PB = 2; // CIDv1, codec dag-pb (0x70), sha2-256
    uint256 internal constant TEXT = 3; // anything else, stored as text

    uint256 private constant LENGTH = 59; // "b" + 58 base32 characters for 36 bytes

    /// @notice The digest and form of `cid`, or `ok = false` when it is not a canonical CIDv1 of the
    /// two supported kinds.
    function compress(bytes calldata cid) internal pure returns (bool ok, bytes32 digest, uint256 form) {
        if (cid.length != LENGTH || cid[0] != "b") return (false, 0, 0);
        // The 58 characters carry 290 bits, V = prefix (32) | digest (256) | padding (2), gathered
        // 5 bits at a time into the pair (hi, lo) = V >> 256, V mod 2^256.
        uint256 hi;
        uint256 lo;
        uint256 bad;
        assembly {
            let p := add(cid.offset, 1)
            for { let i := 0 } lt(i, 58) { i := add(i, 1) } {
                let c := byte(0, calldataload(add(p, i)))
                let a := sub(c, 0x61) // a-z -> 0..25
                let d := sub(c, 0x18) // 2-7 -> 26..31
                let isLetter := lt(a, 26)
                bad := or(bad, iszero(or(isLetter, and(gt(d, 25), lt(d, 32)))))
                let v := d
                if isLetter { v := a }
                hi := or(shl(5, hi), shr(251, lo))
                lo := or(shl(5, lo), v)
            }
        }
        // Padding bits must be zero (the canonical encoding), and the prefix a sha2-256 CIDv1.
        if (bad != 0 || lo & 3 != 0) return (false, 0, 0);
        digest = bytes32((lo >> 2) | (hi << 254));
        uint256 prefix = hi >> 2;
        if (prefix == 0x01551220) return (true, digest, RAW);
        if (prefix == 0x01701220) return (true, digest, DAG_PB);
        return (false, 0, 0);
    }

    /// @notice The CID string of `digest` in `form` (RAW or DAG_PB).
    function expand(bytes32 digest, uint256 form) internal pure returns (bytes memory out) {
        uint256 prefix = form == RAW ? 0x01551220 : 0x01701220;
        out = new bytes(LENGTH);
        assembly {
            let alphabet := "abcdefghijklmnopqrstuvwxyz234567"
            let hi := or(shl(2, prefix), shr(254, digest))
            let lo := shl(2, digest)
            let dst := add(out, 32)
            mstore8(dst, 0x62) // "b"
            // From the last character back: each is the low 5 bits of V, then V >>= 5.
            for { let i := 58 } gt(i, 0) { i := sub(i, 1) } {
                mstore8(add(dst, i), byte(and(lo, 31), alphabet))
                lo := or(shr(5, lo), shl(251, hi))
                hi := shr(5, hi)
            }
        }
    }
}
