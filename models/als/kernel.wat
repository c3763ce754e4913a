;; ALS conjugate-gradient row solves with f32x4 SIMD (the same algorithm as cg.ts, in float32
;; like benfred/implicit's CPU solver). Compiled by scripts/build-wasm.mjs into kernel-wasm.ts.
;; All pointers are byte offsets into the shared memory; f is a multiple of 4.
(module
  (import "env" "memory" (memory 1 32768 shared))

  ;; Σ a[k]·b[k]
  (func $dot (param $a i32) (param $b i32) (param $f i32) (result f32)
    (local $acc v128) (local $end i32)
    (local.set $end (i32.add (local.get $a) (i32.shl (local.get $f) (i32.const 2))))
    (local.set $acc (v128.const f32x4 0 0 0 0))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $a) (local.get $end)))
        (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (v128.load (local.get $a)) (v128.load (local.get $b)))))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (br $l)))
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
      (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))

  ;; y[k] += s·x[k]
  (func $axpy (param $s f32) (param $x i32) (param $y i32) (param $f i32)
    (local $sv v128) (local $end i32)
    (local.set $sv (f32x4.splat (local.get $s)))
    (local.set $end (i32.add (local.get $y) (i32.shl (local.get $f) (i32.const 2))))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $y) (local.get $end)))
        (v128.store (local.get $y) (f32x4.add (v128.load (local.get $y)) (f32x4.mul (local.get $sv) (v128.load (local.get $x)))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (br $l))))

  ;; out[a] = s · Σ_b G[a][b]·v[b]
  (func $matvec (param $g i32) (param $v i32) (param $out i32) (param $f i32) (param $s f32)
    (local $a i32) (local $row i32)
    (local.set $row (i32.shl (local.get $f) (i32.const 2)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $a) (local.get $f)))
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $a) (i32.const 2)))
          (f32.mul (local.get $s) (call $dot (i32.add (local.get $g) (i32.mul (local.get $a) (local.get $row))) (local.get $v) (local.get $f))))
        (local.set $a (i32.add (local.get $a) (i32.const 1)))
        (br $l))))

  ;; dst[k] = src[k]
  (func $copy (param $src i32) (param $dst i32) (param $f i32)
    (memory.copy (local.get $dst) (local.get $src) (i32.shl (local.get $f) (i32.const 2))))

  ;; p[k] = r[k] + beta·p[k]
  (func $xpby (param $r i32) (param $beta f32) (param $p i32) (param $f i32)
    (local $bv v128) (local $end i32)
    (local.set $bv (f32x4.splat (local.get $beta)))
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $f) (i32.const 2))))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (v128.store (local.get $p) (f32x4.add (v128.load (local.get $r)) (f32x4.mul (local.get $bv) (v128.load (local.get $p)))))
        (local.set $r (i32.add (local.get $r) (i32.const 16)))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $l))))

  ;; Solves rows [from, to) of X against Y:  A = G + Σ (c−1) y yᵀ,  b = Σ c y,  c = 1 + alpha·w.
  ;; scratch holds 4 vectors of f floats (x, r, p, ap), 16-byte aligned.
  (func (export "solve")
    (param $X i32) (param $Y i32) (param $G i32) (param $indptr i32) (param $indices i32) (param $values i32)
    (param $from i32) (param $to i32) (param $f i32) (param $alpha f32) (param $steps i32) (param $scratch i32)
    (local $u i32) (local $x i32) (local $r i32) (local $p i32) (local $ap i32) (local $rowBytes i32)
    (local $j i32) (local $end i32) (local $y i32) (local $c1 f32) (local $it i32)
    (local $rsold f32) (local $rsnew f32) (local $pap f32) (local $step f32)
    (local.set $rowBytes (i32.shl (local.get $f) (i32.const 2)))
    (local.set $x (local.get $scratch))
    (local.set $r (i32.add (local.get $x) (local.get $rowBytes)))
    (local.set $p (i32.add (local.get $r) (local.get $rowBytes)))
    (local.set $ap (i32.add (local.get $p) (local.get $rowBytes)))
    (local.set $u (local.get $from))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $u) (local.get $to)))
        (call $copy (i32.add (local.get $X) (i32.mul (local.get $u) (local.get $rowBytes))) (local.get $x) (local.get $f))
        ;; r = −G x + Σ (c − (c−1)(y·x)) y
        (call $matvec (local.get $G) (local.get $x) (local.get $r) (local.get $f) (f32.const -1))
        (local.set $j (i32.load (i32.add (local.get $indptr) (i32.shl (local.get $u) (i32.const 2)))))
        (local.set $end (i32.load (i32.add (local.get $indptr) (i32.shl (i32.add (local.get $u) (i32.const 1)) (i32.const 2)))))
        (block $d1
          (loop $l1
            (br_if $d1 (i32.ge_u (local.get $j) (local.get $end)))
            (local.set $y (i32.add (local.get $Y) (i32.mul (i32.load (i32.add (local.get $indices) (i32.shl (local.get $j) (i32.const 2)))) (local.get $rowBytes))))
            (local.set $c1 (f32.mul (local.get $alpha) (f32.load (i32.add (local.get $values) (i32.shl (local.get $j) (i32.const 2))))))
            (call $axpy
              (f32.sub (f32.add (local.get $c1) (f32.const 1)) (f32.mul (local.get $c1) (call $dot (local.get $y) (local.get $x) (local.get $f))))
              (local.get $y) (local.get $r) (local.get $f))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $l1)))
        (call $copy (local.get $r) (local.get $p) (local.get $f))
        (local.set $rsold (call $dot (local.get $r) (local.get $r) (local.get $f)))
        ;; NaN must propagate (so divergence is refused later), hence not(rsold < ε) rather than rsold ≥ ε.
        (if (i32.eqz (f32.lt (local.get $rsold) (f32.const 1e-20)))
          (then
            (local.set $it (i32.const 0))
            (block $cg_done
              (loop $cg
                (br_if $cg_done (i32.ge_u (local.get $it) (local.get $steps)))
                ;; ap = G p + Σ (c−1)(y·p) y
                (call $matvec (local.get $G) (local.get $p) (local.get $ap) (local.get $f) (f32.const 1))
                (local.set $j (i32.load (i32.add (local.get $indptr) (i32.shl (local.get $u) (i32.const 2)))))
                (block $d2
                  (loop $l2
                    (br_if $d2 (i32.ge_u (local.get $j) (local.get $end)))
                    (local.set $y (i32.add (local.get $Y) (i32.mul (i32.load (i32.add (local.get $indices) (i32.shl (local.get $j) (i32.const 2)))) (local.get $rowBytes))))
                    (local.set $c1 (f32.mul (local.get $alpha) (f32.load (i32.add (local.get $values) (i32.shl (local.get $j) (i32.const 2))))))
                    (call $axpy (f32.mul (local.get $c1) (call $dot (local.get $y) (local.get $p) (local.get $f))) (local.get $y) (local.get $ap) (local.get $f))
                    (local.set $j (i32.add (local.get $j) (i32.const 1)))
                    (br $l2)))
                (local.set $pap (call $dot (local.get $p) (local.get $ap) (local.get $f)))
                (br_if $cg_done (f32.le (local.get $pap) (f32.const 0)))
                (local.set $step (f32.div (local.get $rsold) (local.get $pap)))
                (call $axpy (local.get $step) (local.get $p) (local.get $x) (local.get $f))
                (call $axpy (f32.neg (local.get $step)) (local.get $ap) (local.get $r) (local.get $f))
                (local.set $rsnew (call $dot (local.get $r) (local.get $r) (local.get $f)))
                (br_if $cg_done (f32.lt (local.get $rsnew) (f32.const 1e-20)))
                (call $xpby (local.get $r) (f32.div (local.get $rsnew) (local.get $rsold)) (local.get $p) (local.get $f))
                (local.set $rsold (local.get $rsnew))
                (local.set $it (i32.add (local.get $it) (i32.const 1)))
                (br $cg)))
            (call $copy (local.get $x) (i32.add (local.get $X) (i32.mul (local.get $u) (local.get $rowBytes))) (local.get $f))))
        (local.set $u (i32.add (local.get $u) (i32.const 1)))
        (br $rows))))
)
