;; upper.wat: ASCII upper-casing (a-z -> A-Z; every other byte, UTF-8 included, is kept).
;; Also exports `lower`. tiny-hops wasm ABI (docs/node.md): exports `memory`, `alloc(len) -> ptr`
;; and entrypoints `(ptr, len) -> i64` returning (out_ptr << 32) | out_len.
(module
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 1024))

  (func $alloc (export "alloc") (param $len i32) (result i32)
    (local $ptr i32) (local $end i32) (local $pages i32)
    (local.set $ptr (global.get $heap))
    (local.set $end (i32.add (local.get $ptr) (local.get $len)))
    (local.set $pages (i32.shr_u (i32.add (local.get $end) (i32.const 65535)) (i32.const 16)))
    (if (i32.gt_u (local.get $pages) (memory.size))
      (then
        (if (i32.eq (memory.grow (i32.sub (local.get $pages) (memory.size))) (i32.const -1))
          (then unreachable))))
    (global.set $heap (local.get $end))
    (local.get $ptr))

  ;; Copies the input, adding `delta` to every byte in [lo, hi].
  (func $shift (param $ptr i32) (param $len i32) (param $lo i32) (param $hi i32) (param $delta i32)
        (result i64)
    (local $out i32) (local $i i32) (local $c i32)
    (local.set $out (call $alloc (local.get $len)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
        (local.set $c (i32.load8_u (i32.add (local.get $ptr) (local.get $i))))
        (if (i32.and (i32.ge_u (local.get $c) (local.get $lo)) (i32.le_u (local.get $c) (local.get $hi)))
          (then (local.set $c (i32.add (local.get $c) (local.get $delta)))))
        (i32.store8 (i32.add (local.get $out) (local.get $i)) (local.get $c))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i64.or
      (i64.shl (i64.extend_i32_u (local.get $out)) (i64.const 32))
      (i64.extend_i32_u (local.get $len))))

  (func (export "upper") (param $ptr i32) (param $len i32) (result i64)
    (call $shift (local.get $ptr) (local.get $len) (i32.const 97) (i32.const 122) (i32.const -32)))

  (func (export "lower") (param $ptr i32) (param $len i32) (result i64)
    (call $shift (local.get $ptr) (local.get $len) (i32.const 65) (i32.const 90) (i32.const 32)))
)
