// Command portal runs the regulator portal: serve | migrate | seed | create-admin | totp | backup | restore.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"
)

const usage = `用法: portal <命令>

  serve         迁移数据库、（演示模式下）载入演示数据并启动服务
  migrate       只执行数据库迁移
  seed          载入演示数据（幂等）
  create-admin  创建管理员: portal create-admin [--role sysadmin|secadmin|auditadmin] <用户名>，密码从标准输入读取
                （三员分立：系统管理员（默认）、安全管理员、审计管理员各建一个账户）
  totp          动态口令: portal totp <密钥>，打印该密钥当前的 6 位口令（演示账户的密钥见 README）
  backup        备份: portal backup <目录>，数据库快照（pg_dump）、被引用的全部文件和带哈希的清单
  restore       恢复: portal restore <备份目录>，写入空数据库和文件存储，再核验决定链与每个文件的哈希
  keys          签名密钥: portal keys init [省份名称] 生成 SM2 签名密钥；portal keys rotate 更换（旧密钥仍公布）
  verify-cert   离线核验合格证明: portal verify-cert [--keys 文件|网址] [--revocations 文件|网址] <证明.pdf | 二维码内容>

环境变量: PORT（默认 8080）、DATABASE_URL（未设置时在 ./var 下启动私有 PostgreSQL）、
PORTAL_ENV=production（不载入演示数据）、PG_PORT（私有 PostgreSQL 端口，默认 54329）、
PORTAL_SIGNING_KEY_DIR（签名密钥目录，默认 ./var/keys）`

func main() {
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	slog.SetDefault(log)
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, usage)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch os.Args[1] {
	case "serve":
		err = serve(ctx, log)
	case "migrate":
		err = withDatabase(ctx, func(db *database) error { return nil })
	case "seed":
		err = withDatabase(ctx, func(db *database) error { return db.store.SeedDemo(ctx) })
	case "create-admin":
		err = createAdmin(ctx, os.Args[2:])
	case "totp":
		err = totpCommand(os.Args[2:], os.Stdout, time.Now())
	case "backup":
		err = backupCommand(ctx, os.Args[2:])
	case "restore":
		err = restoreCommand(ctx, os.Args[2:])
	case "keys":
		err = keysCmd(os.Args[2:], os.Stdout)
	case "verify-cert":
		err = verifyCert(os.Args[2:], os.Stdout)
	default:
		fmt.Fprintln(os.Stderr, usage)
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "错误:", err)
		os.Exit(1)
	}
}
